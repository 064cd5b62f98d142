using Serilog.Formatting.Compact;

namespace Jobs.Hosting.Logging;

/// <summary>
/// One JSON object per line in the compact log event format (CLEF) that Seq, Loki, Elasticsearch
/// and <c>jq</c> read: Serilog.Formatting.Compact's <see cref="RenderedCompactJsonFormatter"/>
/// (<c>@t</c>, <c>@m</c>, <c>@i</c>, <c>@l</c> unless Information, <c>@x</c>, <c>@tr</c>/<c>@sp</c>,
/// then every property: JobId, Kind, Attempt, Queue, CorrelationId inside a job) with secrets
/// masked. Named in configuration as <c>Jobs.Hosting.Logging.JsonLinesFormatter, Jobs.Hosting</c>.
/// </summary>
public sealed class JsonLinesFormatter() : RedactingFormatter(new RenderedCompactJsonFormatter());
