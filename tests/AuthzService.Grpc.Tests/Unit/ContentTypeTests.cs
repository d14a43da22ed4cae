using AuthzService.Grpc.Server.Internal;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class ContentTypeTests
{
    [TestMethod]
    [DataRow("application/grpc", true)]
    [DataRow("application/grpc+proto", true)]
    [DataRow("application/grpc; charset=utf-8", true)]
    [DataRow("Application/GRPC", true)]
    [DataRow("application/grpc-web", false)]
    [DataRow("application/grpcx", false)]
    [DataRow("application/json", false)]
    [DataRow(null, false)]
    public void IsGrpcContentType_Value_AcceptsOnlyGrpc(string? contentType, bool expected)
    {
        Assert.AreEqual(expected, GrpcCallDispatcher.IsGrpcContentType(contentType));
    }
}
