using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc;

/// <summary>Server-side limits and behaviour of the gRPC layer, bound from <see cref="SectionName"/>.</summary>
public sealed class GrpcServerOptions
{
    public const string SectionName = "Grpc:Server";

    public const int DefaultMaxReceiveMessageSize = GrpcProtocolConstants.DefaultMaxMessageSize;

    /// <summary>Largest request message accepted, after decompression. Larger is RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Upper bound on every call's deadline, also for calls that send no <c>grpc-timeout</c>.</summary>
    public TimeSpan? MaxDeadline { get; set; }

    /// <summary>
    /// <c>gzip</c> to compress responses for clients that advertise it in <c>grpc-accept-encoding</c>;
    /// null (the default) sends responses uncompressed. Handlers can still choose per call.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>Every problem with the current values, keyed by configuration name; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxReceiveMessageSize <= 0)
        {
            errors.Add($"{SectionName}:{nameof(MaxReceiveMessageSize)} must be positive (was {MaxReceiveMessageSize}).");
        }

        if (MaxSendMessageSize is <= 0)
        {
            errors.Add($"{SectionName}:{nameof(MaxSendMessageSize)} must be positive or unset (was {MaxSendMessageSize}).");
        }

        if (MaxDeadline is { } max && max <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(MaxDeadline)} must be positive or unset (was {max}).");
        }

        if (ResponseCompressionAlgorithm is not null and not GrpcProtocolConstants.GzipEncoding)
        {
            errors.Add($"{SectionName}:{nameof(ResponseCompressionAlgorithm)} must be 'gzip' or unset (was '{ResponseCompressionAlgorithm}').");
        }

        return errors;
    }
}
