namespace AuthzService.Core.Decisions;

/// <summary>
/// The PDP refused part of the caller's input (for example a JWT it could not verify): the caller's
/// error, reported as INVALID_ARGUMENT naming <see cref="Field"/>. Never an allow.
/// </summary>
public sealed class PdpRejectedInputException : Exception
{
    public PdpRejectedInputException()
    {
        Field = string.Empty;
    }

    public PdpRejectedInputException(string message)
        : this(string.Empty, message)
    {
    }

    public PdpRejectedInputException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    public PdpRejectedInputException(string field, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Field = field;
    }

    /// <summary>The request field (wire name) the PDP refused, e.g. <c>aux_data.jwt</c>.</summary>
    public string Field { get; }
}
