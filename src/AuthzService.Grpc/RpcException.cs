namespace AuthzService.Grpc;

/// <summary>Thrown to end a call with a non-OK status, on the server and on the client.</summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    public RpcException(Status status, Metadata trailers)
        : base(status.ToString())
    {
        Status = status;
        Trailers = trailers;
    }

    public RpcException(Status status, Exception? innerException)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = new Metadata();
    }

    public RpcException()
        : this(new Status(StatusCode.Unknown, string.Empty))
    {
    }

    public RpcException(string message)
        : this(new Status(StatusCode.Unknown, message))
    {
    }

    public RpcException(string message, Exception innerException)
        : this(new Status(StatusCode.Unknown, message), innerException)
    {
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>Trailing metadata sent (server) or received (client) with the status.</summary>
    public Metadata Trailers { get; }
}
