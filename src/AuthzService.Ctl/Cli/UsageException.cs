namespace AuthzService.Ctl.Cli;

/// <summary>The command line is wrong in a way the parser cannot see (e.g. two scopes given); exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
