using AuthzService.Grpc.Tests.TestHost;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>S10: request metadata in, response headers and trailers out, -bin values and reserved keys.</summary>
[TestClass]
public sealed class MetadataTests
{
    private static TestServer s_server = null!;
    private static HttpClient s_client = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context)
    {
        s_server = await TestServer.StartAsync();
        s_client = s_server.CreateHttpClient();
    }

    [ClassCleanup]
    public static async Task StopAsync()
    {
        s_client.Dispose();
        await s_server.DisposeAsync();
    }

    [TestMethod]
    [DataRow("AAEC/w==", DisplayName = "padded")]
    [DataRow("AAEC/w", DisplayName = "unpadded")]
    public async Task Call_BinaryHeader_IsDecodedAndEchoedUnpadded(string wireValue)
    {
        // Arrange: the Context handler echoes every request metadata entry as a trailer.
        var request = GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("x-data-bin", wireValue);

        // Act
        var result = await GrpcWire.SendAsync(s_client, request);

        // Assert
        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual("AAEC/w", result.Trailers["x-data-bin"]);
    }

    [TestMethod]
    public async Task Call_TextHeader_IsVisibleToHandler()
    {
        var request = GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("x-tenant", "acme");

        var result = await GrpcWire.SendAsync(s_client, request);

        Assert.AreEqual("acme", result.Trailers["x-tenant"]);
    }

    [TestMethod]
    public async Task Call_ReservedRequestHeaders_AreNotExposedToHandler()
    {
        var request = GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "gzip");
        request.Headers.TryAddWithoutValidation("grpc-custom", "x");

        var result = await GrpcWire.SendAsync(s_client, request);

        Assert.AreEqual(0, result.GrpcStatus);
        Assert.IsFalse(result.Trailers.ContainsKey("grpc-timeout"));
        Assert.IsFalse(result.Trailers.ContainsKey("grpc-custom"));
        Assert.IsFalse(result.Trailers.ContainsKey("te"));
        Assert.IsFalse(result.Trailers.ContainsKey("content-type"));
    }

    [TestMethod]
    public async Task Call_HandlerSetsHeaders_CustomSentAndReservedDropped()
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest())));

        Assert.AreEqual("yes", result.Headers["x-initial"]);
        Assert.IsFalse(result.Headers.ContainsKey("grpc-custom"), "handlers may not set grpc- keys");
        Assert.IsFalse(result.Headers.ContainsKey("grpc-status"), "a handler must not be able to forge the status");
        Assert.AreEqual("0", result.Trailers["grpc-status"]);
        Assert.IsTrue(s_server.Logs.Grpc(13).Count > 0, "dropping is logged");
    }

    [TestMethod]
    public async Task Call_Context_ExposesMethodAndPeer()
    {
        var result = await GrpcWire.SendAsync(s_client, GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest())));

        var response = result.SingleMessage(SimpleResponse.Parser);
        Assert.AreEqual("/authz.test.Functional/Context", response.ServerId);
        StringAssert.StartsWith(response.OauthScope, "ipv4:127.0.0.1:");
        Assert.AreEqual(string.Empty, response.Username, "no client certificate over h2c");
        Assert.AreEqual("none", response.Hostname, "no deadline without grpc-timeout");
    }
}
