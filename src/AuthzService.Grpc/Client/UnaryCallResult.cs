namespace AuthzService.Grpc.Client;

/// <summary>A successful unary call: the response and the metadata that came with it.</summary>
public sealed class UnaryCallResult<TResponse>
{
    internal UnaryCallResult(TResponse response, Metadata responseHeaders, Metadata trailers, bool responseCompressed)
    {
        Response = response;
        ResponseHeaders = responseHeaders;
        Trailers = trailers;
        ResponseCompressed = responseCompressed;
    }

    public TResponse Response { get; }

    /// <summary>Initial metadata from the server (reserved <c>grpc-</c> headers left out).</summary>
    public Metadata ResponseHeaders { get; }

    /// <summary>Trailing metadata (without <c>grpc-status</c> and <c>grpc-message</c>).</summary>
    public Metadata Trailers { get; }

    /// <summary>Whether the response message arrived with the compressed flag set.</summary>
    public bool ResponseCompressed { get; }
}
