using System.Globalization;
using Grpc.Core;
using HealthApi = Grpc.Health.V1.Health;

namespace AuthzService.Api.RateLimiting;

/// <summary>
/// The status of a call over a limit: RESOURCE_EXHAUSTED with <c>retry-after-ms</c> and
/// <c>grpc-retry-pushback-ms</c> in the trailers (the latter is what gRPC clients with retry policies honour).
/// </summary>
internal static class RateLimitStatus
{
    public const string RetryAfterTrailer = "retry-after-ms";
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    private static readonly string s_healthPrefix = "/" + HealthApi.Descriptor.FullName + "/";

    public static RpcException Exhausted(string message, TimeSpan wait)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var trailers = new Metadata { { RetryAfterTrailer, milliseconds }, { RetryPushbackTrailer, milliseconds } };
        return new RpcException(new Status(StatusCode.ResourceExhausted, message), trailers);
    }

    /// <summary>Health probes must see the real status, however busy the callers are.</summary>
    public static bool IsExempt(string method) => method.StartsWith(s_healthPrefix, StringComparison.Ordinal);
}
