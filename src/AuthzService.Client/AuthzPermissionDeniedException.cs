using Grpc.Core;

namespace AuthzService.Client;

/// <summary>The caller is not authenticated (UNAUTHENTICATED) or not allowed to call this method (PERMISSION_DENIED).</summary>
public sealed class AuthzPermissionDeniedException : AuthzException
{
    /// <summary>Creates the exception with status PERMISSION_DENIED.</summary>
    public AuthzPermissionDeniedException()
        : this("PERMISSION_DENIED")
    {
    }

    /// <summary>Creates the exception with status PERMISSION_DENIED and a message.</summary>
    public AuthzPermissionDeniedException(string message)
        : base(StatusCode.PermissionDenied, message)
    {
    }

    /// <summary>Creates the exception with status PERMISSION_DENIED, a message and the cause.</summary>
    public AuthzPermissionDeniedException(string message, Exception innerException)
        : base(StatusCode.PermissionDenied, message, innerException)
    {
    }

    /// <summary>Creates the exception for a call that ended with <paramref name="statusCode"/>.</summary>
    public AuthzPermissionDeniedException(StatusCode statusCode, string message, Exception? innerException = null)
        : base(statusCode, message, innerException)
    {
    }
}
