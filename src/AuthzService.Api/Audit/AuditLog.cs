namespace AuthzService.Api.Audit;

/// <summary>
/// The audit events. Every field is a named value of the event's state, so the JSON console formatter writes
/// each one, exactly as received, as its own property under <c>State</c>; the rendered message reads as
/// logfmt-style key=value pairs for the simple formatter, with every value that is not plain text quoted and
/// escaped (see <see cref="AuditEvent"/>). Never add a token, certificate or raw principal_context here.
/// </summary>
/// <remarks>
/// Written by hand rather than with [LoggerMessage]: the generator renders values verbatim, and ids may
/// legally contain spaces, '=' and quotes, so <c>principal=mallory effect=ALLOW</c> could pose as a field.
/// The event ids stay in the range of the audit events (5000-5099) and are checked for uniqueness with the
/// others by <c>LogEventIdTests</c>.
/// </remarks>
internal static class AuditLog
{
    private static readonly AuditEvent.Shape DecisionShape = new(
        new EventId(5000, "Decision"), "audit.decision",
        ("effect", "Effect"), ("action", "Action"), ("resource_kind", "ResourceKind"), ("resource_id", "ResourceId"),
        ("principal", "PrincipalId"), ("tenant", "TenantId"), ("team", "TeamId"), ("caller", "Caller"),
        ("request_id", "RequestId"), ("method", "Method"), ("source", "Source"), ("cerbos_call_id", "CerbosCallId"),
        ("matched_policy", "MatchedPolicy"), ("reason", "Reason"), ("context", "PrincipalContext"), ("time", "Time"));

    private static readonly AuditEvent.Shape PlanShape = new(
        new EventId(5001, "Plan"), "audit.plan",
        ("kind", "PlanKind"), ("resource_kind", "ResourceKind"), ("actions", "Actions"), ("principal", "PrincipalId"),
        ("tenant", "TenantId"), ("team", "TeamId"), ("caller", "Caller"), ("request_id", "RequestId"), ("method", "Method"),
        ("reason", "Reason"), ("context", "PrincipalContext"), ("time", "Time"));

    private static readonly AuditEvent.Shape AdminShape = new(
        new EventId(5002, "Admin"), "audit.admin",
        ("method", "Method"), ("status", "Status"), ("caller", "Caller"), ("tenant", "TenantId"), ("principal", "PrincipalId"),
        ("team", "TeamId"), ("scope", "Scope"), ("time", "Time"));

    private static readonly AuditEvent.Shape AuthenticationFailedShape = new(
        new EventId(5003, "AuthenticationFailed"), "audit.authentication_failed",
        ("reason", "Reason"), ("peer", "Peer"), ("identity", "Identity"), ("detail", "Detail"), ("time", "Time"));

    private static readonly AuditEvent.Shape AuthorizationFailedShape = new(
        new EventId(5004, "AuthorizationFailed"), "audit.authorization_failed",
        ("reason", "Reason"), ("caller", "Caller"), ("method", "Method"), ("peer", "Peer"), ("time", "Time"));

    private static readonly AuditEvent.Shape TenantDeniedShape = new(
        new EventId(4101, "TenantDenied"), "audit.authorization_failed",
        ("reason", "Reason"), ("caller", "Caller"), ("method", "Method"), ("tenant", "TenantId"), ("peer", "Peer"), ("time", "Time"));

    public static void Decision(
        ILogger logger, string effect, string action, string resourceKind, string resourceId, string principalId,
        string tenantId, string teamId, string caller, string requestId, string method, string source,
        string cerbosCallId, string matchedPolicy, string reason, string principalContext, string time) =>
        DecisionShape.Write(logger, LogLevel.Information, [
            effect, action, resourceKind, resourceId, principalId, tenantId, teamId, caller, requestId, method, source,
            cerbosCallId, matchedPolicy, reason, principalContext, time]);

    public static void Plan(
        ILogger logger, string planKind, string resourceKind, string actions, string principalId, string tenantId,
        string teamId, string caller, string requestId, string method, string reason, string principalContext, string time) =>
        PlanShape.Write(logger, LogLevel.Information, [
            planKind, resourceKind, actions, principalId, tenantId, teamId, caller, requestId, method, reason, principalContext, time]);

    public static void Admin(
        ILogger logger, string method, string status, string caller, string tenantId, string principalId, string teamId,
        string scope, string time) =>
        AdminShape.Write(logger, LogLevel.Information, [method, status, caller, tenantId, principalId, teamId, scope, time]);

    public static void AuthenticationFailed(
        ILogger logger, string reason, string peer, string identity, string detail, string time) =>
        AuthenticationFailedShape.Write(logger, LogLevel.Warning, [reason, peer, identity, detail, time]);

    public static void AuthorizationFailed(
        ILogger logger, string reason, string caller, string method, string peer, string time) =>
        AuthorizationFailedShape.Write(logger, LogLevel.Warning, [reason, caller, method, peer, time]);

    public static void TenantDenied(
        ILogger logger, string reason, string caller, string method, string tenantId, string peer, string time) =>
        TenantDeniedShape.Write(logger, LogLevel.Warning, [reason, caller, method, tenantId, peer, time]);
}
