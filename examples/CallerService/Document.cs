using AuthzService.Client;

namespace CallerService;

/// <summary>A document of the example's in-memory store.</summary>
public sealed record Document(string Id, string TenantId, string OwnerId, string Title)
{
    /// <summary>The resource as the policies see it: every attribute they test (tenant_id, owner_id).</summary>
    public AuthzResource ToResource() => new("document", Id)
    {
        Attributes = new Dictionary<string, object?> { ["tenant_id"] = TenantId, ["owner_id"] = OwnerId },
    };
}
