using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;
using Microsoft.Extensions.Logging;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S11: a handler's exception becomes UNKNOWN with a generic message; its text stays in the log.</summary>
[TestClass]
public sealed class ErrorTests
{
    [TestMethod]
    public async Task Call_HandlerThrows_ReturnsUnknownWithoutExceptionText()
    {
        // Arrange
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateHttpClient();

        // Act
        var result = await GrpcWire.SendAsync(client, GrpcWire.Request("/authz.test.Functional/Throw", GrpcWire.Frame(new SimpleRequest())));

        // Assert
        Assert.AreEqual(2, result.GrpcStatus);
        Assert.AreEqual("Exception was thrown by handler.", result.GrpcMessage);
        var everything = string.Join("\n", result.Headers.Concat(result.Trailers).Select(kv => kv.Key + ": " + kv.Value));
        Assert.DoesNotContain("hunter2", everything);
        Assert.DoesNotContain(nameof(InvalidOperationException), everything);
        var logged = server.Logs.Grpc(7).Single();
        Assert.AreEqual(LogLevel.Error, logged.Level);
        Assert.AreEqual(FunctionalTestService.SecretText, logged.Exception?.Message, "the detail is logged in full");
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(client)).GrpcStatus);
    }
}
