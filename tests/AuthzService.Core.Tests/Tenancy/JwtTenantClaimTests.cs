using AuthzService.Core.Tenancy;
using static AuthzService.Core.Tests.Caching.AuxTokenLifetimeTests;

namespace AuthzService.Core.Tests.Tenancy;

/// <summary>
/// The JWT tenant-claim reading on payloads the fuzz target found (tests/AuthzService.Fuzz, corpus/jwt-tenant-claim/crash-*):
/// each used to throw <see cref="InvalidOperationException"/> out of a method documented to return false, and
/// a payload naming the tenant twice used to be read as whichever came last.
/// </summary>
[TestClass]
public sealed class JwtTenantClaimTests
{
    private const string Header = "eyJhbGciOiJFUzI1NiJ9";

    [TestMethod]
    public void TryReadTenants_ReadableToken_ReadsEveryClaimSpelling()
    {
        Assert.IsTrue(JwtTenantClaim.TryReadTenants(Jwt("""{"tenant_id":"acme","org":"acme","sub":"alice"}"""), out var tenants));
        CollectionAssert.AreEqual(new[] { "acme", "acme" }, tenants.ToArray());
        Assert.IsFalse(JwtTenantClaim.ContradictsTenant(Jwt("""{"tenant_id":"acme"}"""), "acme"));
    }

    [TestMethod]
    [DataRow("""{"sub":"alice","tenant_id":"\ud800"}""", DisplayName = "unpaired high surrogate in a claim value")]
    [DataRow("""{"sub":"alice","\udc00":"globex","tenant_id":"acme"}""", DisplayName = "unpaired low surrogate in a claim name")]
    [DataRow("""{"tenant_id":"globex","tenant_id":"acme"}""", DisplayName = "the tenant claim twice, ours last")]
    [DataRow("""{"tenant_id":"acme","tenant_id":"acme"}""", DisplayName = "the tenant claim twice, the same")]
    public void TryReadTenants_UnreadablePayload_FalseAndContradictsEveryTenant(string payload)
    {
        var jwt = Jwt(payload);

        Assert.IsFalse(JwtTenantClaim.TryReadTenants(jwt, out var tenants));
        Assert.IsEmpty(tenants);
        Assert.IsTrue(JwtTenantClaim.ContradictsTenant(jwt, "acme"));
    }

    [TestMethod]
    public void TryReadTenants_PayloadNotUtf8_FalseAndContradicts()
    {
        // {"tenant_id":"ac<0xD4>"} : a lone lead byte inside the claim's string.
        byte[] payload = [.. "{\"tenant_id\":\"ac"u8, 0xD4, .. "\"}"u8];
        var jwt = Header + "." + System.Buffers.Text.Base64Url.EncodeToString(payload) + ".c2ln";

        Assert.IsFalse(JwtTenantClaim.TryReadTenants(jwt, out _));
        Assert.IsTrue(JwtTenantClaim.ContradictsTenant(jwt, "acme"));
    }

    [TestMethod]
    public void AuxTokenLifetime_DuplicateOrUnreadableClaims_NotCacheable()
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var later = now.AddHours(1).ToUnixTimeSeconds();

        Assert.IsTrue(Core.Caching.AuxTokenLifetime.Of(Jwt($$"""{"exp":{{later}}}"""), now).Cacheable);
        Assert.IsFalse(Core.Caching.AuxTokenLifetime.Of(Jwt($$"""{"exp":{{later}},"exp":{{later + 3600}}}"""), now).Cacheable);
        Assert.IsFalse(Core.Caching.AuxTokenLifetime.Of(Jwt($$"""{"exp":{{later}},"\udc00":1}"""), now).Cacheable);
    }
}
