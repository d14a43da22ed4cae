namespace AuthzService.Core.Decisions;

/// <summary>
/// The caller's own deadline ran out before the PDP answered, and it was shorter than the budget the adapter
/// gives the PDP on its own (maps to DEADLINE_EXCEEDED; never an allow). Unlike
/// <see cref="PdpUnavailableException"/> it says nothing about the PDP's health, so it does not count against
/// the circuit breaker. An <see cref="OperationCanceledException"/>: the caller's budget ended the work.
/// </summary>
public sealed class PdpDeadlineExceededException : OperationCanceledException
{
    public PdpDeadlineExceededException()
    {
    }

    public PdpDeadlineExceededException(string message)
        : base(message)
    {
    }

    public PdpDeadlineExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
