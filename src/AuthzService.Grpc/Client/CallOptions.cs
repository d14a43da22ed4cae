namespace AuthzService.Grpc.Client;

/// <summary>Per-call settings: request metadata, deadline, cancellation and request compression.</summary>
/// <param name="Headers">Request metadata; keys with the reserved <c>grpc-</c> prefix are rejected.</param>
/// <param name="Deadline">Absolute deadline (UTC; a local time is converted). Null or <see cref="DateTime.MaxValue"/>: none.</param>
/// <param name="CancellationToken">Cancels the call; the call then fails with CANCELLED.</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default)
{
    /// <summary>Gzip-compress the request message (sends <c>grpc-encoding: gzip</c>).</summary>
    public bool CompressRequest { get; init; }

    /// <summary>A copy with a deadline <paramref name="timeout"/> from now.</summary>
    public CallOptions WithTimeout(TimeSpan timeout) => this with { Deadline = DateTime.UtcNow + timeout };
}
