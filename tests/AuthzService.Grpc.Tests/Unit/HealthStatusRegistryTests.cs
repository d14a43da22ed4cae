using AuthzService.Grpc.Health;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class HealthStatusRegistryTests
{
    [TestMethod]
    public void New_WholeServer_IsServingAndOthersUnknown()
    {
        var registry = new HealthStatusRegistry();

        Assert.IsTrue(registry.TryGetStatus(HealthStatusRegistry.Server, out var status));
        Assert.AreEqual(ServingStatus.Serving, status);
        Assert.IsFalse(registry.TryGetStatus("other", out _));
    }

    [TestMethod]
    public void Watch_Changes_YieldsCurrentThenEachChange()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("svc", ServingStatus.Serving);
        using var watcher = registry.Watch("svc");

        registry.SetStatus("svc", ServingStatus.NotServing);
        registry.ClearStatus("svc");

        var seen = Drain(watcher);
        CollectionAssert.AreEqual(new[] { ServingStatus.Serving, ServingStatus.NotServing, ServingStatus.ServiceUnknown }, seen);
    }

    [TestMethod]
    public void EnterShutdown_Always_SetsEveryServiceNotServingAndCompletesWatchers()
    {
        var registry = new HealthStatusRegistry();
        registry.SetStatus("svc", ServingStatus.Serving);
        using var watcher = registry.Watch("svc");

        registry.EnterShutdown();
        registry.SetStatus("svc", ServingStatus.Serving);

        Assert.IsTrue(registry.TryGetStatus("svc", out var status));
        Assert.AreEqual(ServingStatus.NotServing, status);
        CollectionAssert.AreEqual(new[] { ServingStatus.Serving, ServingStatus.NotServing }, Drain(watcher));
        Assert.IsTrue(watcher.Changes.Reader.Completion.IsCompleted);
    }

    [TestMethod]
    public void SetStatus_ServiceUnknown_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthStatusRegistry().SetStatus("svc", ServingStatus.ServiceUnknown));
    }

    private static List<ServingStatus> Drain(AuthzService.Grpc.Health.Internal.HealthWatcher watcher)
    {
        var seen = new List<ServingStatus>();
        while (watcher.Changes.Reader.TryRead(out var s))
        {
            seen.Add(s);
        }

        return seen;
    }
}
