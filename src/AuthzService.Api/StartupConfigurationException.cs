namespace AuthzService.Api;

/// <summary>A start-up check (beyond options binding) found the configuration unusable.</summary>
public sealed class StartupConfigurationException : Exception
{
    public StartupConfigurationException(IReadOnlyList<string> failures)
        : base(string.Join("; ", failures))
    {
        Failures = failures;
    }

    public StartupConfigurationException()
        : this([])
    {
    }

    public StartupConfigurationException(string message)
        : this([message])
    {
    }

    public StartupConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failures = [message];
    }

    public IReadOnlyList<string> Failures { get; }
}
