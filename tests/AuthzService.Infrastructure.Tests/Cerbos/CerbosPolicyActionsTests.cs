using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Infrastructure.Tests.Cerbos;

/// <summary>
/// The action catalogue AuthZEN action search takes its candidates from, against policy files on disk (pure: no
/// Cerbos): what counts as a declared action, which files are read, and re-reading after a change.
/// </summary>
[TestClass]
public sealed class CerbosPolicyActionsTests
{
    private readonly TempDirectory _directory = new("authz-policy-actions-");
    private readonly ManualTime _time = new();

    [TestCleanup]
    public void Cleanup() => _directory.Dispose();

    private CerbosPolicyActions Catalog() => new(_directory.Path, TimeSpan.FromSeconds(1), _time, NullLogger<CerbosPolicyActions>.Instance);

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_directory.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [TestMethod]
    public void ActionsOf_ResourcePoliciesOfEveryScopeAndRolePolicies_UnionWithoutWildcards()
    {
        Write("resource_policies/doc.yaml", """
            apiVersion: api.cerbos.dev/v1
            resourcePolicy:
              resource: document
              version: default
              rules:
                - actions: ["*"]
                  effect: EFFECT_DENY
                  roles: ["*"]
                - actions: [read, "view:*", write]
                  effect: EFFECT_ALLOW
                  roles: [member]
            """);
        Write("resource_policies/doc_acme.yaml", """
            apiVersion: api.cerbos.dev/v1
            resourcePolicy:
              resource: document
              version: default
              scope: acme
              rules:
                - actions: [delete, read]
                  effect: EFFECT_ALLOW
                  roles: [owner]
            ---
            apiVersion: api.cerbos.dev/v1
            resourcePolicy:
              resource: project
              version: "20260101"
              rules:
                - actions: [archive]
                  effect: EFFECT_ALLOW
                  roles: [admin]
            """);
        Write("role_policies/auditor.yaml", """
            apiVersion: api.cerbos.dev/v1
            rolePolicy:
              role: auditor
              rules:
                - resource: document
                  allowActions: [audit]
                - resource: "*"
                  allowActions: [inspect]
            """);

        var catalog = Catalog();

        CollectionAssert.AreEqual(new[] { "audit", "delete", "read", "write" }, catalog.ActionsOf("document").ToArray());
        CollectionAssert.AreEqual(new[] { "archive" }, catalog.ActionsOf("project").ToArray());
        Assert.AreEqual(0, catalog.ActionsOf("unknown").Count);
    }

    [TestMethod]
    public void ActionsOf_TestsSchemasHiddenAndBrokenFiles_NotRead()
    {
        const string Policy = """
            apiVersion: api.cerbos.dev/v1
            resourcePolicy:
              resource: document
              version: default
              rules:
                - actions: [{0}]
                  effect: EFFECT_ALLOW
                  roles: [member]
            """;
        Write("resource_policies/doc.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "read"));
        Write("tests/doc_test.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "from_test"));
        Write("tests/testdata/resources.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "from_testdata"));
        Write("_schemas/doc.json", """{"resourcePolicy":{"resource":"document","rules":[{"actions":["from_schema"]}]}}""");
        Write(".hidden/doc.yaml", string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "from_hidden"));
        Write("resource_policies/doc.txt", string.Format(System.Globalization.CultureInfo.InvariantCulture, Policy, "from_txt"));
        Write("resource_policies/broken.yaml", "resourcePolicy: [unclosed");
        Write("resource_policies/json.json", """{"resourcePolicy":{"resource":"document","rules":[{"actions":["from_json"]}]}}""");

        CollectionAssert.AreEqual(new[] { "from_json", "read" }, Catalog().ActionsOf("document").ToArray());
    }

    [TestMethod]
    public void ActionsOf_FileChanged_ReadAgainAfterTheRecheckInterval()
    {
        Write("resource_policies/locker.yaml", Locker("open"));
        var catalog = Catalog();
        CollectionAssert.AreEqual(new[] { "open" }, catalog.ActionsOf("locker").ToArray());

        Write("resource_policies/locker.yaml", Locker("open, lock"));
        var beforeRecheck = catalog.ActionsOf("locker").ToArray();
        _time.Advance(TimeSpan.FromSeconds(2));
        var afterRecheck = catalog.ActionsOf("locker").ToArray();
        File.Delete(Path.Combine(_directory.Path, "resource_policies", "locker.yaml"));
        _time.Advance(TimeSpan.FromSeconds(2));

        CollectionAssert.AreEqual(new[] { "open" }, beforeRecheck, "not looked at again within the interval");
        CollectionAssert.AreEqual(new[] { "lock", "open" }, afterRecheck);
        Assert.AreEqual(0, catalog.ActionsOf("locker").Count, "a removed policy's actions go with it");
    }

    [TestMethod]
    public void ActionsOf_DirectoryMissing_NoActions()
    {
        var catalog = new CerbosPolicyActions(Path.Combine(_directory.Path, "absent"), TimeSpan.FromSeconds(1), _time, NullLogger<CerbosPolicyActions>.Instance);

        Assert.AreEqual(0, catalog.ActionsOf("document").Count);
    }

    private static string Locker(string actions) => $$"""
        apiVersion: api.cerbos.dev/v1
        resourcePolicy:
          resource: locker
          version: default
          rules:
            - actions: [{{actions}}]
              effect: EFFECT_ALLOW
              roles: [member]
        """;

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
