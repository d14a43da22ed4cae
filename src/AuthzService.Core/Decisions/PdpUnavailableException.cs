namespace AuthzService.Core.Decisions;

/// <summary>The PDP could not be reached or did not answer in time (maps to UNAVAILABLE).</summary>
public sealed class PdpUnavailableException : Exception
{
    public PdpUnavailableException()
    {
    }

    public PdpUnavailableException(string message)
        : base(message)
    {
    }

    public PdpUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
