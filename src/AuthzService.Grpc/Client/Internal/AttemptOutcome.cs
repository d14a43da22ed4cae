namespace AuthzService.Grpc.Client.Internal;

/// <summary>How one HTTP/2 exchange of a unary call ended.</summary>
internal sealed class AttemptOutcome
{
    public required Status Status { get; init; }

    public Metadata ResponseHeaders { get; init; } = new();

    public Metadata Trailers { get; init; } = new();

    /// <summary>The single response message, set only when <see cref="Status"/> is OK.</summary>
    public byte[]? Payload { get; init; }

    public bool PayloadCompressed { get; init; }

    /// <summary>A response message arrived: the call is committed and must not be retried.</summary>
    public bool MessageReceived { get; init; }

    /// <summary>
    /// The server refused the stream (HTTP/2 REFUSED_STREAM): it never reached the application, so a
    /// retry is safe whatever the retry policy says.
    /// </summary>
    public bool StreamRefused { get; init; }

    /// <summary>From <c>grpc-retry-pushback-ms</c>; infinite forbids a retry.</summary>
    public TimeSpan? RetryPushback { get; init; }

    public Exception? Exception { get; init; }

    public RpcException ToException() =>
        Exception is null ? new RpcException(Status, Trailers) : new RpcException(Status, Exception);
}
