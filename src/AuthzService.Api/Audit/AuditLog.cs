namespace AuthzService.Api.Audit;

/// <summary>
/// The audit events. Every field is a named template value, so the JSON console formatter writes
/// each one as its own property under <c>State</c>; the rendered message reads as key=value pairs
/// for the simple formatter. Never add a token, certificate or raw principal_context here.
/// </summary>
internal static partial class AuditLog
{
    [LoggerMessage(5000, LogLevel.Information,
        "audit.decision effect={Effect} action={Action} resource_kind={ResourceKind} resource_id={ResourceId} principal={PrincipalId} " +
        "tenant={TenantId} team={TeamId} caller={Caller} request_id={RequestId} method={Method} source={Source} " +
        "cerbos_call_id={CerbosCallId} matched_policy={MatchedPolicy} reason={Reason} context={PrincipalContext} time={Time}")]
    public static partial void Decision(
        ILogger logger, string effect, string action, string resourceKind, string resourceId, string principalId,
        string tenantId, string teamId, string caller, string requestId, string method, string source,
        string cerbosCallId, string matchedPolicy, string reason, string principalContext, string time);

    [LoggerMessage(5001, LogLevel.Information,
        "audit.plan kind={PlanKind} resource_kind={ResourceKind} actions={Actions} principal={PrincipalId} tenant={TenantId} " +
        "team={TeamId} caller={Caller} request_id={RequestId} method={Method} reason={Reason} context={PrincipalContext} time={Time}")]
    public static partial void Plan(
        ILogger logger, string planKind, string resourceKind, string actions, string principalId, string tenantId,
        string teamId, string caller, string requestId, string method, string reason, string principalContext, string time);

    [LoggerMessage(5002, LogLevel.Information,
        "audit.admin method={Method} status={Status} caller={Caller} tenant={TenantId} principal={PrincipalId} team={TeamId} " +
        "scope={Scope} time={Time}")]
    public static partial void Admin(
        ILogger logger, string method, string status, string caller, string tenantId, string principalId, string teamId,
        string scope, string time);

    [LoggerMessage(5003, LogLevel.Warning,
        "audit.authentication_failed reason={Reason} peer={Peer} identity={Identity} detail={Detail} time={Time}")]
    public static partial void AuthenticationFailed(
        ILogger logger, string reason, string peer, string identity, string detail, string time);

    [LoggerMessage(5004, LogLevel.Warning,
        "audit.authorization_failed reason={Reason} caller={Caller} method={Method} peer={Peer} time={Time}")]
    public static partial void AuthorizationFailed(
        ILogger logger, string reason, string caller, string method, string peer, string time);
}
