using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// One evaluation, read and type-checked, in our terms: who (tenant, team, principal, request-time facts) asks to do
/// which action on which resource. Ids are checked by the CheckResources validator it is handed to, not here.
/// </summary>
internal sealed record AuthZenDecisionRequest(
    string TenantId,
    bool TenantFromPath,
    string TeamId,
    string PrincipalId,
    Dictionary<string, Value> PrincipalContext,
    string PrincipalKey,
    string ResourceType,
    string ResourceId,
    Dictionary<string, Value> ResourceAttributes,
    string Action);
