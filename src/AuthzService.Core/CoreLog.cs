using AuthzService.Core.Decisions;
using Microsoft.Extensions.Logging;

namespace AuthzService.Core;

/// <summary>Source-generated log messages of the domain layer; event ids are stable (1000-1099).</summary>
internal static partial class CoreLog
{
    [LoggerMessage(1000, LogLevel.Warning, "Cross-tenant attempt denied: request {RequestId} in tenant {TenantId} by {PrincipalId} named resource {Kind}/{ResourceId} of another tenant")]
    public static partial void CrossTenantResource(ILogger logger, string requestId, string tenantId, string principalId, string kind, string resourceId);

    [LoggerMessage(1001, LogLevel.Information, "Request {RequestId} in tenant {TenantId} denied without the PDP: {Reason}")]
    public static partial void TenantDenied(ILogger logger, string requestId, string tenantId, DenyReason reason);

    [LoggerMessage(1002, LogLevel.Warning, "Request {RequestId} for {PrincipalId} rejected: its JWT names a tenant other than {TenantId}")]
    public static partial void JwtTenantMismatch(ILogger logger, string requestId, string tenantId, string principalId);

    [LoggerMessage(1010, LogLevel.Warning, "Cached decision at {Level} under {Key} does not match the request (tenant {TenantId}, principal {PrincipalId}); it was computed for tenant {EntryTenantId}, principal {EntryPrincipalId}: treated as a miss")]
    public static partial void CacheEntryMismatch(ILogger logger, string level, string key, string tenantId, string principalId, string? entryTenantId, string? entryPrincipalId);

    [LoggerMessage(1011, LogLevel.Debug, "Principal cache: {Kind} change notified ({TenantId}/{PrincipalId} version {Version})")]
    public static partial void PrincipalInvalidated(ILogger logger, string kind, string tenantId, string principalId, long version);

    [LoggerMessage(1012, LogLevel.Information, "Principal cache: dropping every entry ({Reason})")]
    public static partial void PrincipalCacheReset(ILogger logger, string reason);
}
