using System.Security.Cryptography.X509Certificates;
using AuthzService.Tls;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// gRPC clients for tests: Grpc.Net.Client channels (over AuthzService.Tls's transport when TLS material is
/// given, as the service and the client library use it), and unary calls by path for the tests that name
/// methods as data (every RPC of a table, unknown methods). Typed calls use the generated clients (AuthzApi).
/// </summary>
public static class TestChannels
{
    /// <summary>h2c, or TLS trusting <paramref name="serverCa"/> and presenting <paramref name="clientCertificate"/>.</summary>
    public static GrpcChannel ForAddress(Uri address, X509Certificate2? serverCa = null, X509Certificate2? clientCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        X509Certificate2Collection? trusted = serverCa is null ? null : [serverCa];
        var identity = clientCertificate is null ? null : TlsIdentity.FromCertificate(clientCertificate);
        var handler = new TlsClientHandler(address, new TlsClientOptions
        {
            TrustedCas = trusted is null ? null : () => trusted,
            ClientIdentity = identity is null ? null : () => identity,
        }, NullLogger.Instance);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>A unary call to <paramref name="path"/> (<c>/package.Service/Method</c>).</summary>
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    public static async Task<TResponse> CallUnaryAsync<TRequest, TResponse>(
        this GrpcChannel channel, string path, TRequest request, MessageParser<TResponse> parser, CallOptions options)
        where TRequest : class, IMessage
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        var method = new Method<TRequest, TResponse>(
            MethodType.Unary, path[1..slash], path[(slash + 1)..],
            Marshallers.Create(static (TRequest r) => r.ToByteArray(), static _ => throw new NotSupportedException()),
            Marshallers.Create(static (TResponse r) => r.ToByteArray(), parser.ParseFrom));
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(method, null, options, request);
        return await call.ResponseAsync;
    }

    /// <summary>The options with a deadline <paramref name="timeout"/> from now.</summary>
    public static CallOptions WithTimeout(this CallOptions options, TimeSpan timeout) => options.WithDeadline(DateTime.UtcNow + timeout);
}
