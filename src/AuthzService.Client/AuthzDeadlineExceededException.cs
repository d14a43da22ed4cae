using Grpc.Core;

namespace AuthzService.Client;

/// <summary>The call's deadline passed before AuthzService answered (DEADLINE_EXCEEDED).</summary>
public sealed class AuthzDeadlineExceededException : AuthzException
{
    /// <summary>Creates the exception with status DEADLINE_EXCEEDED.</summary>
    public AuthzDeadlineExceededException()
        : this("DEADLINE_EXCEEDED")
    {
    }

    /// <summary>Creates the exception with status DEADLINE_EXCEEDED and a message.</summary>
    public AuthzDeadlineExceededException(string message)
        : base(StatusCode.DeadlineExceeded, message)
    {
    }

    /// <summary>Creates the exception with status DEADLINE_EXCEEDED, a message and the cause.</summary>
    public AuthzDeadlineExceededException(string message, Exception innerException)
        : base(StatusCode.DeadlineExceeded, message, innerException)
    {
    }

    /// <summary>Creates the exception for a call that ended with <paramref name="statusCode"/>.</summary>
    public AuthzDeadlineExceededException(StatusCode statusCode, string message, Exception? innerException = null)
        : base(statusCode, message, innerException)
    {
    }
}
