using AuthzService.Grpc.Server.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class ServerStatusMapperTests
{
    [TestMethod]
    public void Map_RpcException_KeepsStatusAndTrailers()
    {
        var trailers = new Metadata().Add("x-reason", "quota");
        var ex = new RpcException(new Status(StatusCode.ResourceExhausted, "slow down"), trailers);

        var (status, mapped) = ServerStatusMapper.Map(ex, deadlineExceeded: false, clientCancelled: false, "/p/m", NullLogger.Instance);

        Assert.AreEqual(new Status(StatusCode.ResourceExhausted, "slow down"), status);
        Assert.AreSame(trailers, mapped);
    }

    [TestMethod]
    [DataRow(true, false, StatusCode.DeadlineExceeded)]
    [DataRow(false, true, StatusCode.Cancelled)]
    [DataRow(true, true, StatusCode.DeadlineExceeded)]
    [DataRow(false, false, StatusCode.Unknown)]
    public void Map_OperationCanceled_DependsOnWhatCancelled(bool deadline, bool client, StatusCode expected)
    {
        var (status, _) = ServerStatusMapper.Map(new OperationCanceledException(), deadline, client, "/p/m", NullLogger.Instance);

        Assert.AreEqual(expected, status.StatusCode);
    }

    [TestMethod]
    [DataRow(typeof(InvalidOperationException))]
    [DataRow(typeof(NullReferenceException))]
    [DataRow(typeof(ArgumentException))]
    public void Map_OtherException_ReturnsUnknownWithGenericMessage(Type type)
    {
        var ex = (Exception)Activator.CreateInstance(type, "secret: connection string")!;

        var (status, trailers) = ServerStatusMapper.Map(ex, false, false, "/p/m", NullLogger.Instance);

        Assert.AreEqual(StatusCode.Unknown, status.StatusCode);
        Assert.AreEqual(ServerStatusMapper.GenericErrorMessage, status.Detail);
        Assert.IsNull(trailers);
    }
}
