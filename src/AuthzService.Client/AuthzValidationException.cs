using AuthzService.Client.Internal;
using Grpc.Core;

namespace AuthzService.Client;

/// <summary>
/// AuthzService rejected the request (INVALID_ARGUMENT). <see cref="FieldErrors"/> names every bad
/// field, parsed from the status message (<c>field: problem; field: problem</c>).
/// </summary>
public sealed class AuthzValidationException : AuthzException
{
    /// <summary>Creates the exception with status INVALID_ARGUMENT.</summary>
    public AuthzValidationException()
        : this("INVALID_ARGUMENT")
    {
    }

    /// <summary>Creates the exception from an INVALID_ARGUMENT status message; the field errors are parsed from it.</summary>
    public AuthzValidationException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates the exception from an INVALID_ARGUMENT status message and the cause.</summary>
    public AuthzValidationException(string message, Exception? innerException)
        : base(StatusCode.InvalidArgument, message, innerException)
    {
        FieldErrors = FieldErrorParser.Parse(message);
    }

    /// <summary>Every bad field the service named, in its order. Never empty for a non-empty message.</summary>
    public IReadOnlyList<AuthzFieldError> FieldErrors { get; }
}
