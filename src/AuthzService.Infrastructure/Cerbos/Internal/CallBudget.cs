namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>
/// The deadline of one Cerbos call and whose it is. The caller's deadline is forwarded as it is (it bounds
/// retries too); without one the call gets <see cref="CerbosOptions.DefaultTimeout"/>. When the caller's
/// deadline is earlier than our own timeout would be, the caller's deadline is the binding limit
/// (<see cref="CallerBound"/>): its expiry is the caller's doing and says nothing about Cerbos. Decided from
/// times alone, so it does not depend on the transport that carries the call.
/// </summary>
internal readonly record struct CallBudget(DateTime Deadline, TimeSpan Budget, bool CallerBound)
{
    public static CallBudget For(DateTime? callerDeadline, DateTime utcNow, TimeSpan ownTimeout)
    {
        var own = utcNow + ownTimeout;
        return callerDeadline is { } deadline
            ? new CallBudget(deadline, deadline - utcNow, deadline < own)
            : new CallBudget(own, ownTimeout, CallerBound: false);
    }
}
