using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;

namespace AuthzService.Core.Tests.Caching;

[TestClass]
public sealed class DecisionCacheKeyTests
{
    private const string Prefix = "authz:cerbos:";

    internal static DecisionStamp Stamp(string tenant = "acme", string principal = "alice", long tv = 3, long pv = 7, long epoch = 1) =>
        new(tenant, tv, principal, pv, epoch);

    internal static PdpPrincipal Principal(string id = "alice", string[]? roles = null, Dictionary<string, object?>? attributes = null, string scope = "acme") =>
        new(id, roles ?? ["viewer"], attributes ?? new Dictionary<string, object?> { ["tenant_id"] = "acme" }, scope);

    internal static PdpResource Resource(string kind = "document", string id = "doc-1", Dictionary<string, object?>? attributes = null, string[]? actions = null, string policyVersion = "default") =>
        new(kind, id, attributes ?? new Dictionary<string, object?> { ["tenant_id"] = "acme" }, policyVersion, "acme", actions ?? ["read"]);

    private static string Key(
        DecisionStamp? stamp = null, PdpPrincipal? principal = null, PdpResource? resource = null, string? jwt = null, string prefix = Prefix,
        string revision = "", string? keySetId = null) =>
        DecisionCacheKey.For(prefix, revision, stamp ?? Stamp(), principal ?? Principal(), resource ?? Resource(), jwt, keySetId);

    [TestMethod]
    public void For_SameJwtUnderAnotherKeySet_DifferentKeys()
    {
        // The key set decides whether Cerbos accepts the token: an answer under one is none under another.
        var unnamed = Key(jwt: "eyJ.x.y");
        var test = Key(jwt: "eyJ.x.y", keySetId: "test");
        var other = Key(jwt: "eyJ.x.y", keySetId: "other");

        Assert.AreNotEqual(unnamed, test);
        Assert.AreNotEqual(test, other);
        Assert.AreEqual(test, Key(jwt: "eyJ.x.y", keySetId: "test"));
        Assert.AreEqual(unnamed, Key(jwt: "eyJ.x.y", keySetId: string.Empty), "empty means unnamed");
    }

    [TestMethod]
    public void For_SameInputs_SameKeyStartingWithPrefix()
    {
        var a = Key();
        var b = Key();

        Assert.AreEqual(a, b);
        Assert.StartsWith(Prefix + "d3:1:4:acme:3:5:alice:7:", a);
    }

    [TestMethod]
    public void For_SeparatorMovedBetweenTenantAndPrincipal_DifferentKeys()
    {
        var a = Key(Stamp(tenant: "a:1", principal: "b"), Principal("b"));
        var b = Key(Stamp(tenant: "a", principal: "1:b"), Principal("1:b"));

        Assert.AreNotEqual(a, b);
    }

    [TestMethod]
    public void For_IdsContainingTheKeyShape_CannotForgeAnotherPrincipalsKey()
    {
        // A principal id that spells out the rest of another key's readable part.
        var honest = Key(Stamp(principal: "bob", pv: 2), Principal("bob"));
        var forged = Key(Stamp(principal: "bob:2:x", pv: 2), Principal("bob:2:x"));

        Assert.AreNotEqual(honest, forged);
        Assert.IsFalse(forged.StartsWith(honest[..honest.LastIndexOf(':')], StringComparison.Ordinal));
    }

    [TestMethod]
    public void For_SeparatorMovedBetweenKindAndId_DifferentKeys()
    {
        Assert.AreNotEqual(Key(resource: Resource("doc:x", "y")), Key(resource: Resource("doc", "x:y")));
    }

    [TestMethod]
    public void For_IdContainingThePrefix_DifferentFromPlainId()
    {
        Assert.AreNotEqual(Key(resource: Resource(id: Prefix + "doc-1")), Key(resource: Resource(id: "doc-1")));
        Assert.AreNotEqual(Key(Stamp(tenant: Prefix + "acme")), Key(Stamp(tenant: "acme")));
    }

    [TestMethod]
    public void For_PrefixAbsorbingPartOfTheKey_DifferentKeys()
    {
        // Deployments with prefixes "p:" and "p:d2:" must not share entries even if the readable parts line up.
        var a = Key(prefix: "p:");
        var b = Key(prefix: "p:d2:");

        Assert.AreNotEqual(a, b);
        Assert.AreNotEqual(a[a.LastIndexOf(':')..], b[b.LastIndexOf(':')..]);
    }

    [TestMethod]
    public void For_RoleListsThatConcatenateAlike_DifferentKeys()
    {
        Assert.AreNotEqual(
            Key(principal: Principal(roles: ["ab", "c"])),
            Key(principal: Principal(roles: ["a", "bc"])));
    }

    [TestMethod]
    public void For_ValuesOfDifferentTypes_DifferentKeys()
    {
        static PdpResource With(object? value) => Resource(attributes: new Dictionary<string, object?> { ["x"] = value });

        var keys = new[]
        {
            Key(resource: With("1")), Key(resource: With(1.0)), Key(resource: With(true)), Key(resource: With("true")),
            Key(resource: With(null)), Key(resource: Resource(attributes: [])), Key(resource: With(new List<object?> { "a", "b" })),
            Key(resource: With("a,b")), Key(resource: With(new Dictionary<string, object?> { ["a"] = "b" })),
        };

        Assert.HasCount(keys.Length, keys.Distinct());
    }

    [TestMethod]
    public void For_AttributeKeyAndValueShifted_DifferentKeys()
    {
        Assert.AreNotEqual(
            Key(resource: Resource(attributes: new Dictionary<string, object?> { ["ab"] = "c" })),
            Key(resource: Resource(attributes: new Dictionary<string, object?> { ["a"] = "bc" })));
    }

    [TestMethod]
    public void For_AttributeInsertionOrder_SameKey()
    {
        var a = new Dictionary<string, object?> { ["a"] = 1.0, ["b"] = "x" };
        var b = new Dictionary<string, object?> { ["b"] = "x", ["a"] = 1.0 };

        Assert.AreEqual(Key(resource: Resource(attributes: a)), Key(resource: Resource(attributes: b)));
    }

    [TestMethod]
    public void For_ActionOrderAndDuplicates_SameKey()
    {
        Assert.AreEqual(
            Key(resource: Resource(actions: ["read", "delete"])),
            Key(resource: Resource(actions: ["delete", "read", "read"])));
    }

    [TestMethod]
    public void For_AnyInputChanged_DifferentKey()
    {
        var baseline = Key();
        var variants = new Dictionary<string, string>
        {
            ["epoch"] = Key(Stamp(epoch: 2)),
            ["tenant version"] = Key(Stamp(tv: 4)),
            ["principal version"] = Key(Stamp(pv: 8)),
            ["revision"] = Key(revision: "bundle-2"),
            ["prefix"] = Key(prefix: "other:"),
            ["roles"] = Key(principal: Principal(roles: ["viewer", "editor"])),
            ["principal attributes"] = Key(principal: Principal(attributes: new Dictionary<string, object?> { ["tenant_id"] = "acme", ["dept"] = "x" })),
            ["principal context"] = Key(principal: Principal(attributes: new Dictionary<string, object?>
            {
                ["tenant_id"] = "acme",
                ["context"] = new Dictionary<string, object?> { ["mfa"] = true },
            })),
            ["principal scope"] = Key(principal: Principal(scope: "acme.team")),
            ["kind"] = Key(resource: Resource(kind: "project")),
            ["id"] = Key(resource: Resource(id: "doc-2")),
            ["resource attributes"] = Key(resource: Resource(attributes: new Dictionary<string, object?> { ["tenant_id"] = "acme", ["owner_id"] = "alice" })),
            ["policy version"] = Key(resource: Resource(policyVersion: "v2")),
            ["actions"] = Key(resource: Resource(actions: ["read", "delete"])),
            ["aux jwt"] = Key(jwt: "eyJ.x.y"),
            ["aux key set id"] = Key(jwt: "eyJ.x.y", keySetId: "ks"),
        };

        foreach (var (name, key) in variants)
        {
            Assert.AreNotEqual(baseline, key, name);
        }

        Assert.HasCount(variants.Count, variants.Values.Distinct(), "variants must also differ from each other");
    }
}
