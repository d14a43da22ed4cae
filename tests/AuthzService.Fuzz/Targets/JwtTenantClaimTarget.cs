using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using AuthzService.Core.Tenancy;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// The JWT tenant-claim extraction (<see cref="JwtTenantClaim"/>), which decides whether a request's token is
/// cross-tenant. Each input is tried as the token text, and as the JSON payload of a token (<c>header.base64url(bytes).sig</c>).
/// Contract: never an exception; a token that is not a JWT with a JSON object payload is unreadable and so
/// contradicts every tenant (fail closed); and a token is only ever taken as belonging to tenant <c>acme</c> when
/// an independent reading finds no tenant claim in it, at any occurrence, naming anything else.
/// </summary>
internal sealed class JwtTenantClaimTarget : FuzzTarget
{
    private const string Tenant = "acme";
    private const string Header = "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9";

    private static readonly JsonDocumentOptions s_lenient = new() { AllowDuplicateProperties = true, MaxDepth = 1024 };

    public override string Name => "jwt-tenant-claim";

    public override string Description => "token text, and header.base64url(bytes).sig -> JwtTenantClaim.TryReadTenants, ContradictsTenant(acme)";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "\"tenant_id\"", "\"tenant\"", "\"tid\"", "\"org_id\"", "\"org\"", "\"organization_id\"", "\"acme\"", "\"globex\"",
            "\"tenant\\u005fid\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\u0000\"", "1e400", "null", "true", "[]", "{}", ",", ":", ".", "=", "-", "_",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        Check(Encoding.UTF8.GetString(input));
        Check(Header + "." + Base64Url.EncodeToString(input) + ".c2ln");
    }

    private static void Check(string jwt)
    {
        var readable = JwtTenantClaim.TryReadTenants(jwt, out var tenants);
        var contradicts = JwtTenantClaim.ContradictsTenant(jwt, Tenant);
        if (jwt.Length == 0)
        {
            FuzzTargets.Require(!contradicts, "no token contradicted the tenant");
            return;
        }

        FuzzTargets.Require(readable || contradicts, "an unreadable token was taken for the tenant's");
        FuzzTargets.Require(!tenants.Any(t => t != Tenant) || contradicts, "a token naming another tenant did not contradict");
        if (!contradicts)
        {
            var others = IndependentClaims(jwt).Where(c => c != Tenant).ToList();
            FuzzTargets.Require(others.Count == 0, $"the token was taken for '{Tenant}' but also names {string.Join(", ", others.Select(o => $"'{o}'"))}");
        }
    }

    /// <summary>Every value of a tenant claim in the payload, duplicates included; what a lenient JSON reader could see.</summary>
    private static List<string> IndependentClaims(string jwt)
    {
        var found = new List<string>();
        var parts = jwt.Split('.');
        var payload = Base64Url.DecodeFromChars(parts[1]);
        using var document = JsonDocument.Parse(payload, s_lenient);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (JwtTenantClaim.ClaimNames.Contains(property.Name))
            {
                found.Add(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
            }
        }

        return found;
    }
}
