namespace AuthzService.Core.Caching;

/// <summary>Tag values of <see cref="CacheMetrics"/>.</summary>
public static class CacheLevels
{
    public const string L1 = "l1";
    public const string L2 = "l2";
    public const string Decision = "decision";
    public const string Principal = "principal";
}
