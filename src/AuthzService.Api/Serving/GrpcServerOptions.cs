namespace AuthzService.Api.Serving;

/// <summary>
/// The gRPC server's limits, bound from <see cref="SectionName"/> (<c>Grpc__Server__*</c>). Size limits and
/// response compression are handed to Grpc.AspNetCore's <c>GrpcServiceOptions</c>; the deadline bound is ours
/// (grpc-dotnet has none), applied by <see cref="DeadlineBoundInterceptor"/>.
/// </summary>
public sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc:Server";

    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>The one response compression we speak besides identity.</summary>
    public const string Gzip = "gzip";

    /// <summary>Largest request message accepted, after decompression. Larger is RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Upper bound on every call's deadline, also for calls that send no deadline; null means none.</summary>
    public TimeSpan? MaxDeadline { get; set; }

    /// <summary>
    /// <c>gzip</c> compresses responses for clients that advertise it in <c>grpc-accept-encoding</c>; null (the
    /// default) sends them uncompressed. Compressed requests are accepted either way.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }
}
