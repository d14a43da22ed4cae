using System.Security.Cryptography;

namespace AuthzService.Grpc.Client.Internal;

/// <summary>Exponential backoff with ±20% jitter, so clients that failed together do not retry in lockstep.</summary>
internal static class RetryBackoff
{
    private const double Jitter = 0.2;

    /// <param name="retry">1 for the first retry.</param>
    public static TimeSpan Delay(RetryPolicy policy, int retry)
    {
        var baseMs = policy.InitialBackoff.TotalMilliseconds * Math.Pow(policy.BackoffMultiplier, retry - 1);
        baseMs = Math.Min(baseMs, policy.MaxBackoff.TotalMilliseconds);
        // Not security-relevant, but RandomNumberGenerator keeps the analyzers quiet and costs nothing here.
        var factor = 1 + Jitter * ((RandomNumberGenerator.GetInt32(0, 2001) / 1000.0) - 1);
        return TimeSpan.FromMilliseconds(baseMs * factor);
    }
}
