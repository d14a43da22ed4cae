namespace AuthzService.Core.Memberships;

/// <summary>A directory write the store refused; the message is safe to return to callers.</summary>
public sealed class DirectoryException : Exception
{
    public DirectoryException()
    {
    }

    public DirectoryException(string message)
        : base(message)
    {
    }

    public DirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DirectoryException(DirectoryErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public DirectoryErrorCode Code { get; }
}
