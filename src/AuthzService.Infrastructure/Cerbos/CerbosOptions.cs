namespace AuthzService.Infrastructure.Cerbos;

/// <summary>How to reach the Cerbos PDP (configuration section <c>Cerbos</c>).</summary>
public sealed class CerbosOptions
{
    public const string SectionName = "Cerbos";

    /// <summary>gRPC address of Cerbos, e.g. <c>https://127.0.0.1:3593</c>.</summary>
    public Uri? Address { get; set; }

    public CerbosTlsOptions Tls { get; set; } = new();

    /// <summary>Watching Cerbos's policy store so the decision cache follows it (off unless an address is set).</summary>
    public CerbosPolicyWatchOptions PolicyWatch { get; set; } = new();

    /// <summary>Budget for one decision when the caller sets no deadline.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Attempts per call on UNAVAILABLE, within the caller's deadline.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Failure ratio over <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the circuit stays open before a trial call.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
