namespace Jobs.Engine.Handlers;

/// <summary>
/// The arguments of a job kind: a record serialized to JSON (jsonb) when the job is enqueued and
/// bound back when it runs. The kind is a stable name, not a type name, so renaming or moving the
/// record never breaks jobs already queued.
/// </summary>
/// <example>
/// <code>
/// public sealed record SendEmail(string To, string Template) : IJobArgs
/// {
///     public static string Kind => "email.send";
/// }
/// </code>
/// </example>
public interface IJobArgs
{
    /// <summary>The stable kind name, for example <c>webhook.deliver</c>.</summary>
    static abstract string Kind { get; }
}
