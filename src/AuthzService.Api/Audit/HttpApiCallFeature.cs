namespace AuthzService.Api.Audit;

/// <summary>Names the HTTP API endpoint a decision call was made for, for the audit trail (see <see cref="AuditTrail.MethodOf"/>).</summary>
internal sealed class HttpApiCallFeature(string name)
{
    public string Name { get; } = name;
}
