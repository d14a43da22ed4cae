using System.Net;
using AuthzService.Grpc.Tests.TestHost;
using AuthzService.Testing;
using Grpc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AuthzService.Grpc.Tests.Server;

/// <summary>TLS (ALPN h2), HTTP/1.1 refusal over TLS, and mutual TLS with the peer certificate in the context.</summary>
[TestClass]
public sealed class TlsTests
{
    private static TestCertificates s_certificates = null!;

    [ClassInitialize]
    public static void CreateCertificates(TestContext context) => s_certificates = new TestCertificates();

    [ClassCleanup]
    public static void DisposeCertificates() => s_certificates.Dispose();

    [TestMethod]
    public async Task Call_OverTls_Succeeds()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Certificates = s_certificates });
        using var client = server.CreateHttpClient(trust: s_certificates);

        var result = await GrpcWire.EmptyCallAsync(client);

        Assert.AreEqual(0, result.GrpcStatus);
    }

    [TestMethod]
    public async Task Call_OverHttp11_Returns426WithUpgrade()
    {
        // Arrange
        await using var server = await TestServer.StartAsync(new TestServerOptions { Certificates = s_certificates });
        using var client = server.CreateHttpClient(trust: s_certificates);
        var request = GrpcWire.Request("/grpc.testing.TestService/EmptyCall", GrpcWire.Frame(new Empty()));
        request.Version = HttpVersion.Version11;
        request.Headers.Remove("te");

        // Act
        using var response = await client.SendAsync(request);

        // Assert
        Assert.AreEqual(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.AreEqual("h2", string.Join(",", response.Headers.Upgrade));
        Assert.AreEqual(0, (await GrpcWire.EmptyCallAsync(client)).GrpcStatus);
    }

    [TestMethod]
    public async Task Call_MutualTlsWithoutClientCertificate_IsRefused()
    {
        await using var server = await TestServer.StartAsync(new TestServerOptions { Certificates = s_certificates, ClientCertificateMode = ClientCertificateMode.RequireCertificate });
        using var client = server.CreateHttpClient(trust: s_certificates);

        await Assert.ThrowsAsync<HttpRequestException>(() => GrpcWire.EmptyCallAsync(client));
    }

    [TestMethod]
    public async Task Call_MutualTlsWithCertificateFromOtherCa_IsRefused()
    {
        using var otherCa = new TestCertificates("Other CA");
        using var stranger = otherCa.IssueClient("mallory");
        await using var server = await TestServer.StartAsync(new TestServerOptions { Certificates = s_certificates, ClientCertificateMode = ClientCertificateMode.RequireCertificate });
        using var client = server.CreateHttpClient(stranger, trust: s_certificates);

        await Assert.ThrowsAsync<HttpRequestException>(() => GrpcWire.EmptyCallAsync(client));
    }

    [TestMethod]
    public async Task Call_MutualTlsWithTrustedCertificate_ExposesPeerCertificateInContext()
    {
        // Arrange
        using var alice = s_certificates.IssueClient("alice", uris: [new Uri("spiffe://authz.test/alice")]);
        await using var server = await TestServer.StartAsync(new TestServerOptions { Certificates = s_certificates, ClientCertificateMode = ClientCertificateMode.RequireCertificate });
        using var client = server.CreateHttpClient(alice, trust: s_certificates);

        // Act
        var result = await GrpcWire.SendAsync(client, GrpcWire.Request("/authz.test.Functional/Context", GrpcWire.Frame(new SimpleRequest())));

        // Assert
        Assert.AreEqual(0, result.GrpcStatus);
        Assert.AreEqual("CN=alice", result.SingleMessage(SimpleResponse.Parser).Username);
    }
}
