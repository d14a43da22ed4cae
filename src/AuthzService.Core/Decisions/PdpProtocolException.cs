namespace AuthzService.Core.Decisions;

/// <summary>The PDP answered something we cannot interpret (maps to INTERNAL).</summary>
public sealed class PdpProtocolException : Exception
{
    public PdpProtocolException()
    {
    }

    public PdpProtocolException(string message)
        : base(message)
    {
    }

    public PdpProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
