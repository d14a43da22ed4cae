using AuthzService.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AuthzService.Client.Internal;

/// <summary>The client's log messages, with stable event ids (1320-1329; unique across the service's assemblies).</summary>
internal static partial class AuthzClientLog
{
    [LoggerMessage(EventId = 1320, Level = LogLevel.Debug,
        Message = "AuthzService denied {Action} on {Kind}:{Id} for {PrincipalId} in {TenantId} (deny reason {DenyReason}).")]
    public static partial void Denied(ILogger logger, string action, string kind, string id, string principalId, string tenantId, DenyReason denyReason);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning,
        Message = "Failing closed: {Action} on {Kind}:{Id} for {PrincipalId} in {TenantId} is treated as denied because the check failed with {StatusCode}: {Detail}")]
    public static partial void CheckFailed(ILogger logger, string action, string kind, string id, string principalId, string tenantId, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1322, Level = LogLevel.Warning,
        Message = "Failing closed: {Action} on {Kind}:{Id} for {PrincipalId} in {TenantId} is treated as denied because the check failed unexpectedly.")]
    public static partial void CheckFailedUnexpectedly(ILogger logger, Exception exception, string action, string kind, string id, string principalId, string tenantId);

    [LoggerMessage(EventId = 1323, Level = LogLevel.Debug,
        Message = "Failing closed: {Action} on {Kind}:{Id} for {PrincipalId} in {TenantId} is treated as denied because the caller cancelled the check.")]
    public static partial void CheckCancelled(ILogger logger, string action, string kind, string id, string principalId, string tenantId);

    [LoggerMessage(EventId = 1324, Level = LogLevel.Warning,
        Message = "Failing closed: AuthzService returned no decision for {Action} on {Kind}:{Id}; treated as denied.")]
    public static partial void DecisionMissing(ILogger logger, string action, string kind, string id);
}
