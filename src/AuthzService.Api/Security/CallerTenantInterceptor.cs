using AuthzService.Api.Audit;
using AuthzService.Api.Serving;
using AuthzService.Api.Validation;
using Grpc.Core;

namespace AuthzService.Api.Security;

/// <summary>
/// Enforces the tenant binding of callers (<c>Auth:Callers:N:Tenants</c>, <c>IncludeMeta</c>) once the request
/// is parsed: a call about a tenant the caller's entries do not cover, a call spanning every tenant by a
/// tenant-bound caller (streaming calls such as reflection count as that), or <c>include_meta</c> where it is
/// switched off ends PERMISSION_DENIED with an audit event, before the tenant rate limit and before anything
/// reads or writes the directory. The decision itself lives in <see cref="CallerAllowList.CheckTenant"/>,
/// independent of the transport.
/// </summary>
internal sealed class CallerTenantInterceptor(CallerAllowList allowList, AuditTrail audit) : AdmissionInterceptor
{
    protected override void Admit(object? request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Plaintext (loopback or Development): nobody is identified and the allow-list does not apply.
        var httpContext = context.GetHttpContext();
        if (httpContext.Features.Get<CallerIdentityFeature>()?.Identity is not { Authenticated: true } caller
            || !allowList.IsRestricted(caller.Name))
        {
            return;
        }

        var tenant = RequestTenant.Of(request);
        if (allowList.CheckTenant(caller.Name, context.Method, tenant, RequestTenant.AsksForMeta(request)) is { } reason)
        {
            var shown = Shown(tenant);
            audit.TenantDenied(reason, caller.Name, context.Method, shown, context.Peer);
            throw new RpcException(new Status(StatusCode.PermissionDenied, Message(reason, caller.Name, context.Method, tenant, shown)));
        }
    }

    // Only a valid id is repeated back or written to the audit trail: anything else could be megabytes of anything.
    private static string Shown(string? tenant) =>
        tenant is null or { Length: 0 } ? string.Empty : RuleExtensions.BeValidIdText(tenant) ? tenant : "(invalid tenant_id)";

    private static string Message(string reason, string caller, string method, string? tenant, string shown) =>
        reason == CallerAllowList.IncludeMetaNotAllowed
            ? $"include_meta: caller '{caller}' may not ask for decision metadata."
            : tenant is null
                ? $"Caller '{caller}' is bound to tenants and may not call {method}, which spans every tenant."
                : $"Caller '{caller}' may not call {method} for tenant '{shown}'.";
}
