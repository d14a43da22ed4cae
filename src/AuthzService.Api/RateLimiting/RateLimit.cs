namespace AuthzService.Api.RateLimiting;

/// <summary>One token bucket: a steady rate, and a burst of up to one second's worth of calls (or <see cref="Burst"/>).</summary>
public sealed class RateLimit
{
    /// <summary>Calls per second; 0 = unlimited.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>Bucket size; 0 = <see cref="PermitsPerSecond"/>.</summary>
    public int Burst { get; set; }
}
