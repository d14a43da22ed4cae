using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;
using Microsoft.Extensions.Options;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>Server options take effect, and bad ones stop the host at start-up.</summary>
[TestClass]
public sealed class OptionsTests
{
    [TestMethod]
    public async Task Unary_ResponseAboveMaxSendMessageSize_ReturnsResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.MaxSendMessageSize = 1000 });
        using var client = server.CreateHttpClient();

        var tooBig = await GrpcWire.SendAsync(client, GrpcWire.Request("/grpc.testing.TestService/UnaryCall", GrpcWire.Frame(new SimpleRequest { ResponseSize = 2000 })));
        var fits = await GrpcWire.SendAsync(client, GrpcWire.Request("/grpc.testing.TestService/UnaryCall", GrpcWire.Frame(new SimpleRequest { ResponseSize = 500 })));

        Assert.AreEqual(8, tooBig.GrpcStatus);
        Assert.IsEmpty(tooBig.Messages);
        Assert.AreEqual(0, fits.GrpcStatus);
    }

    [TestMethod]
    public async Task Start_InvalidOptions_FailsReportingEveryProblem()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(new TestServerOptions
        {
            ConfigureGrpc = o =>
            {
                o.MaxReceiveMessageSize = -1;
                o.MaxDeadline = TimeSpan.FromSeconds(-1);
            },
        }));

        Assert.HasCount(2, ex.Failures);
    }
}
