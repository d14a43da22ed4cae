using AuthzService.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Client.Tests;

/// <summary>Pure: the builder produces exactly the request it reads as.</summary>
[TestClass]
public sealed class CheckRequestBuilderTests
{
    [TestMethod]
    public void Build_MultiResourceCheck_ProducesRequestInOrder()
    {
        var request = new CheckRequestBuilder("acme", "alice")
            .InTeam("red")
            .WithContext("mfa", true)
            .WithRequestId("req-1")
            .IncludeMeta()
            .FullyConsistent()
            .Resource("document", "doc-1", r => r.Attr("tenant_id", "acme").Attr("owner_id", "bob").Attr("level", 3))
            .Actions("read", "delete")
            .Resource("project", "p-7", r => r.PolicyVersion("v2"))
            .Actions("update")
            .Build();

        Assert.AreEqual("acme", request.TenantId);
        Assert.AreEqual("alice", request.PrincipalId);
        Assert.AreEqual("red", request.TeamId);
        Assert.AreEqual("req-1", request.RequestId);
        Assert.IsTrue(request.IncludeMeta);
        Assert.IsTrue(request.Consistency.FullyConsistent);
        Assert.AreEqual(Value.ForBool(true), request.PrincipalContext["mfa"]);
        Assert.HasCount(2, request.Resources);
        var first = request.Resources[0];
        Assert.AreEqual("document", first.Resource.Kind);
        Assert.AreEqual("doc-1", first.Resource.Id);
        Assert.AreEqual(Value.ForString("acme"), first.Resource.Attr["tenant_id"]);
        Assert.AreEqual(Value.ForString("bob"), first.Resource.Attr["owner_id"]);
        Assert.AreEqual(Value.ForNumber(3), first.Resource.Attr["level"]);
        CollectionAssert.AreEqual(new[] { "read", "delete" }, first.Actions.ToArray());
        Assert.AreEqual("project", request.Resources[1].Resource.Kind);
        Assert.AreEqual("v2", request.Resources[1].Resource.PolicyVersion);
        CollectionAssert.AreEqual(new[] { "update" }, request.Resources[1].Actions.ToArray());
    }

    [TestMethod]
    public void Build_FromAuthzResource_CopiesAttributesAndVersion()
    {
        var resource = new AuthzResource("document", "doc-2")
        {
            Attributes = new Dictionary<string, object?> { ["tenant_id"] = "acme", ["tags"] = new[] { "a", "b" } },
            PolicyVersion = "v3",
        };

        var request = new CheckRequestBuilder("acme", "bob").Resource(resource).Actions("read").Build();

        var built = request.Resources.Single().Resource;
        Assert.AreEqual("v3", built.PolicyVersion);
        Assert.AreEqual(2, built.Attr["tags"].ListValue.Values.Count);
    }

    [TestMethod]
    public void Build_CalledTwice_ReturnsIndependentCopies()
    {
        var builder = new CheckRequestBuilder("acme", "alice").Resource("document", "d").Actions("read");

        var first = builder.Build();
        builder.Actions("delete");

        Assert.HasCount(1, first.Resources[0].Actions);
        Assert.HasCount(2, builder.Build().Resources[0].Actions);
    }

    [TestMethod]
    public void Actions_BeforeAnyResource_Throws()
    {
        var builder = new CheckRequestBuilder("acme", "alice");

        Assert.ThrowsExactly<InvalidOperationException>(() => builder.Actions("read"));
    }

    [TestMethod]
    public async Task ExecuteAsync_WithoutClient_Throws()
    {
        var builder = new CheckRequestBuilder("acme", "alice").Resource("document", "d").Actions("read");

        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => builder.ExecuteAsync());
    }

    [TestMethod]
    public void CheckResult_IsAllowed_OnlyExplicitAllowCounts()
    {
        var response = new CheckResourcesResponse
        {
            Results =
            {
                new ResourceResult { Resource = new ResourceRef { Kind = "document", Id = "d1" }, Actions = { ["read"] = Effect.Allow, ["delete"] = Effect.Deny } },
                new ResourceResult { Resource = new ResourceRef { Kind = "document", Id = "d2" }, Actions = { ["read"] = Effect.Unspecified } },
            },
        };

        var result = new CheckResult(response);

        Assert.IsTrue(result.IsAllowed("document", "d1", "read"));
        Assert.IsFalse(result.IsAllowed("document", "d1", "delete"));
        Assert.IsFalse(result.IsAllowed("document", "d2", "read"));
        Assert.IsFalse(result.IsAllowed("document", "d3", "read"));
        Assert.IsFalse(result.IsAllowed("document", "d1", "share"));
        Assert.IsFalse(result.AllAllowed);
        Assert.IsTrue(result.Results[0].IsAllowed("read"));
    }
}
