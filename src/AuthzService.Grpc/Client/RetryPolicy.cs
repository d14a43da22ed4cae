namespace AuthzService.Grpc.Client;

/// <summary>
/// Retries of a call that failed with UNAVAILABLE (including refused streams) before any response
/// message arrived, while the deadline leaves time. Backoff is exponential with ±20% jitter.
/// Names follow gRPC service-config retry policies so a later swap to Grpc.Net.Client maps one to one.
/// </summary>
public sealed class RetryPolicy
{
    public const int DefaultMaxAttempts = 3;

    /// <summary>Total attempts including the first; 1 disables retries.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public double BackoffMultiplier { get; init; } = 2.0;

    /// <summary>All problems at once, each naming its property.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts < 1)
        {
            errors.Add($"{nameof(MaxAttempts)} must be at least 1.");
        }

        if (InitialBackoff <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(InitialBackoff)} must be positive.");
        }

        if (MaxBackoff < InitialBackoff)
        {
            errors.Add($"{nameof(MaxBackoff)} must not be below {nameof(InitialBackoff)}.");
        }

        if (!(BackoffMultiplier >= 1.0))
        {
            errors.Add($"{nameof(BackoffMultiplier)} must be at least 1.");
        }

        return errors;
    }
}
