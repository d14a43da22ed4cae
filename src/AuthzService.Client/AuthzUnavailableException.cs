using Grpc.Core;

namespace AuthzService.Client;

/// <summary>AuthzService or one of its dependencies (PostgreSQL, Cerbos) is unreachable (UNAVAILABLE); retries, if configured, were used up. Never an allow.</summary>
public sealed class AuthzUnavailableException : AuthzException
{
    /// <summary>Creates the exception with status UNAVAILABLE.</summary>
    public AuthzUnavailableException()
        : this("UNAVAILABLE")
    {
    }

    /// <summary>Creates the exception with status UNAVAILABLE and a message.</summary>
    public AuthzUnavailableException(string message)
        : base(StatusCode.Unavailable, message)
    {
    }

    /// <summary>Creates the exception with status UNAVAILABLE, a message and the cause.</summary>
    public AuthzUnavailableException(string message, Exception innerException)
        : base(StatusCode.Unavailable, message, innerException)
    {
    }

    /// <summary>Creates the exception for a call that ended with <paramref name="statusCode"/>.</summary>
    public AuthzUnavailableException(StatusCode statusCode, string message, Exception? innerException = null)
        : base(statusCode, message, innerException)
    {
    }
}
