namespace Jobs.CacheWarming;

/// <summary>Where a run stands: targets, warm ones, failed ones (permanent or given up), and ones still to retry.</summary>
internal sealed record RunCounts(int Targets, int Warm, int Failed, int Transient);
