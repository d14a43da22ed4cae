using Grpc.Core;

namespace AuthzService.Client;

/// <summary>
/// A call to AuthzService ended with a non-OK gRPC status. Subclasses name the statuses a caller
/// usually handles differently; anything else arrives as this base type.
/// </summary>
public class AuthzException : Exception
{
    /// <summary>Creates an exception with status UNKNOWN.</summary>
    public AuthzException()
        : this(StatusCode.Unknown, "AuthzService call failed.")
    {
    }

    /// <summary>Creates an exception with status UNKNOWN and a message.</summary>
    public AuthzException(string message)
        : this(StatusCode.Unknown, message)
    {
    }

    /// <summary>Creates an exception with status UNKNOWN, a message and the cause.</summary>
    public AuthzException(string message, Exception innerException)
        : this(StatusCode.Unknown, message, innerException)
    {
    }

    /// <summary>Creates an exception for a call that ended with <paramref name="statusCode"/>.</summary>
    /// <param name="statusCode">The gRPC status code the service (or the transport) reported.</param>
    /// <param name="message">The status detail.</param>
    /// <param name="innerException">The transport-level exception, if any.</param>
    public AuthzException(StatusCode statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The gRPC status code of the failed call.</summary>
    public StatusCode StatusCode { get; }
}
