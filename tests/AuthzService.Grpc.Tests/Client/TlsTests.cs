using System.Security.Cryptography.X509Certificates;
using AuthzService.Grpc.Client;
using AuthzService.Testing;
using Grpc.Testing;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>C1: TLS 1.2+ with ALPN h2, server verified against the pinned CA and host name, mTLS by client certificate.</summary>
[TestClass]
public sealed class TlsTests
{
    private const string Method = "/grpc.testing.TestService/EmptyCall";

    private static TestCertificates s_ca = null!;
    private static TestCertificates s_otherCa = null!;

    [ClassInitialize]
    public static void ClassInitialize(TestContext context)
    {
        s_ca = new TestCertificates();
        s_otherCa = new TestCertificates("Some Other CA");
    }

    [ClassCleanup]
    public static void ClassCleanup()
    {
        s_ca.Dispose();
        s_otherCa.Dispose();
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerCertificateFromPinnedCa_SucceedsOverHttp2()
    {
        // Arrange
        string? protocol = null;
        bool? isHttps = null;
        await using var server = await HandBuiltServer.StartAsync(
            ctx =>
            {
                protocol = ctx.Request.Protocol;
                isHttps = ctx.Request.IsHttps;
                return GrpcWire.WriteOkAsync(ctx, new Empty());
            },
            ServerTls(s_ca.IssueServer()));
        using var channel = GrpcChannel.ForAddress(server.Address, PinnedTo(s_ca));

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
        Assert.AreEqual("HTTP/2", protocol);
        Assert.IsTrue(isHttps);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerCertificateFromOtherCa_ThrowsUnavailableWithoutReachingServer()
    {
        // Arrange
        var calls = 0;
        await using var server = await HandBuiltServer.StartAsync(CountingOk(() => Interlocked.Increment(ref calls)), ServerTls(s_otherCa.IssueServer()));
        using var channel = GrpcChannel.ForAddress(server.Address, PinnedTo(s_ca));

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.IsTrue(IsTlsFailure(ex), ex.ToString());
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public async Task CallUnaryAsync_CertificateForOtherHostName_ThrowsUnavailable()
    {
        // Arrange: the certificate names other.example (and loopback IPs); the client asks for "localhost".
        var calls = 0;
        await using var server = await HandBuiltServer.StartAsync(
            CountingOk(() => Interlocked.Increment(ref calls)), ServerTls(s_ca.IssueServer(["other.example"])));
        using var byIp = GrpcChannel.ForAddress(server.Address, PinnedTo(s_ca));
        using var byName = GrpcChannel.ForAddress(server.AddressWithHost("localhost"), PinnedTo(s_ca));

        // Act
        var viaIp = await byIp.CallUnaryAsync(Method, new Empty(), Empty.Parser);
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => byName.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert: same certificate and CA, so only the name can be the reason.
        Assert.IsNotNull(viaIp);
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.IsTrue(IsTlsFailure(ex), ex.ToString());
        Assert.AreEqual(1, calls);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ExpiredServerCertificate_ThrowsUnavailable()
    {
        // Arrange
        var calls = 0;
        var expired = s_ca.IssueServer(notBefore: DateTimeOffset.UtcNow.AddHours(-20), notAfter: DateTimeOffset.UtcNow.AddHours(-1));
        await using var server = await HandBuiltServer.StartAsync(CountingOk(() => Interlocked.Increment(ref calls)), ServerTls(expired));
        using var channel = GrpcChannel.ForAddress(server.Address, PinnedTo(s_ca));

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.IsTrue(IsTlsFailure(ex), ex.ToString());
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public async Task CallUnaryAsync_NoPinnedCaAndPrivateServerCa_ThrowsUnavailable()
    {
        // Arrange: the system store does not know the test CA.
        await using var server = await HandBuiltServer.StartAsync(CountingOk(() => { }), ServerTls(s_ca.IssueServer()));
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_VerificationDisabled_AcceptsUntrustedServer()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(CountingOk(() => { }), ServerTls(s_otherCa.IssueServer(["other.example"])));
        using var channel = GrpcChannel.ForAddress(server.AddressWithHost("localhost"), new GrpcChannelOptions { VerifyServerCertificate = false });

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
    }

    [TestMethod]
    public async Task CallUnaryAsync_TrustedCaRotatedIn_NextConnectionSucceeds()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(CountingOk(() => { }), ServerTls(s_ca.IssueServer()));
        var cas = new TrustedCaProvider(s_otherCa.Ca);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { TrustedCaProvider = cas });
        var before = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Act
        cas.Update(new X509Certificate2Collection(s_ca.Ca));
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, before.StatusCode);
        Assert.IsNotNull(response);
    }

    [TestMethod]
    public async Task CallUnaryAsync_MutualTlsWithClientCertificate_ServerSeesClientSubject()
    {
        // Arrange
        string? subject = null;
        await using var server = await HandBuiltServer.StartAsync(
            ctx =>
            {
                subject = ctx.Connection.ClientCertificate?.Subject;
                return GrpcWire.WriteOkAsync(ctx, new Empty());
            },
            ServerTls(s_ca.IssueServer(), requireClientCertificate: true));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            TrustedCaCertificates = [s_ca.Ca],
            ClientCertificate = s_ca.IssueClient("authz-service"),
        });

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
        Assert.AreEqual("CN=authz-service", subject);
    }

    [TestMethod]
    public async Task CallUnaryAsync_MutualTlsWithoutClientCertificate_ThrowsUnavailable()
    {
        // Arrange
        var calls = 0;
        await using var server = await HandBuiltServer.StartAsync(
            CountingOk(() => Interlocked.Increment(ref calls)), ServerTls(s_ca.IssueServer(), requireClientCertificate: true));
        using var channel = GrpcChannel.ForAddress(server.Address, PinnedTo(s_ca));

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ClientCertificateRotated_NextConnectionPresentsNewCertificate()
    {
        // Arrange: the server closes each connection after its call, so every call handshakes anew.
        var subjects = new List<string?>();
        await using var server = await HandBuiltServer.StartAsync(
            async ctx =>
            {
                lock (subjects)
                {
                    subjects.Add(ctx.Connection.ClientCertificate?.Subject);
                }

                await GrpcWire.WriteOkAsync(ctx, new Empty());
                ctx.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            },
            ServerTls(s_ca.IssueServer(), requireClientCertificate: true));
        var certificates = new ClientCertificateProvider(s_ca.IssueClient("first"));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            TrustedCaCertificates = [s_ca.Ca],
            ClientCertificateProvider = certificates,
        });
        await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Act
        certificates.Update(s_ca.IssueClient("second"));
        await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        CollectionAssert.AreEqual(new[] { "CN=first", "CN=second" }, subjects);
    }

    private static bool IsTlsFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }

    private static GrpcChannelOptions PinnedTo(TestCertificates ca) => new() { TrustedCaCertificates = [ca.Ca] };

    private static RequestDelegate CountingOk(Action onCall) => ctx =>
    {
        onCall();
        return GrpcWire.WriteOkAsync(ctx, new Empty());
    };

    private static HttpsConnectionAdapterOptions ServerTls(X509Certificate2 certificate, bool requireClientCertificate = false)
    {
        var options = new HttpsConnectionAdapterOptions { ServerCertificate = certificate };
        if (requireClientCertificate)
        {
            options.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            options.ClientCertificateValidation = (clientCertificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(s_ca.Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(clientCertificate);
            };
        }

        return options;
    }
}
