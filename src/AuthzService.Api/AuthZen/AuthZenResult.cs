namespace AuthzService.Api.AuthZen;

/// <summary>
/// The outcome of one evaluation: a decision (with the local reason of a deny, if any), or an error (HTTP status and
/// message), which is a deny wherever it is shown as a decision.
/// </summary>
internal sealed record AuthZenResult(bool Decision, string? Reason = null, int? ErrorStatus = null, string? ErrorMessage = null, string? RetryAfter = null)
{
    public bool IsError => ErrorStatus is not null;

    public static AuthZenResult Error(int status, string message, string? retryAfter = null) => new(false, null, status, message, retryAfter);
}
