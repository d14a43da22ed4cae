using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using AuthzService.Testing;
using Cerbos.Api.V1.Request;
using Cerbos.Api.V1.Response;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using WireEffect = Cerbos.Api.V1.Effect.Effect;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>
/// A stand-in for Cerbos on Kestrel that REQUIRES a client certificate (Cerbos only verifies one when
/// given) and records each presented certificate's subject and the intermediates sent with it. It answers
/// CheckResources allowing everything, after answering the first <see cref="UnavailableFirst"/> calls UNAVAILABLE.
/// </summary>
internal sealed class ClientCertificateRecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _directory = new();
    private readonly IDisposable _serverCertificate;
    private int _calls;

    private ClientCertificateRecordingServer(WebApplication app, TestCertificates certificates, IDisposable serverCertificate, int port)
    {
        _app = app;
        _serverCertificate = serverCertificate;
        Address = new Uri($"https://127.0.0.1:{port}");
        CaCertPath = certificates.WriteCaPem(_directory.Path);
    }

    public Uri Address { get; }

    public string CaCertPath { get; }

    public ConcurrentQueue<string> PresentedSubjects { get; } = new();

    /// <summary>Subjects of the intermediates sent with each presented certificate, one entry per handshake.</summary>
    public ConcurrentQueue<string[]> PresentedIntermediates { get; } = new();

    /// <summary>How many of the first calls are answered UNAVAILABLE (a retryable status).</summary>
    public int UnavailableFirst { get; set; }

    /// <summary>CheckResources calls received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public static async Task<ClientCertificateRecordingServer> StartAsync(TestCertificates certificates)
    {
        var port = FreePort.Next();
        var serverCertificate = certificates.IssueServer();
        var builder = WebApplication.CreateSlimBuilder();
        // The test bin holds the service's appsettings.json, whose Kestrel endpoint (127.0.0.1:50051) would be bound too.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        ClientCertificateRecordingServer? self = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, chain, _) =>
                {
                    self!.PresentedSubjects.Enqueue(certificate.Subject);
                    self.PresentedIntermediates.Enqueue(chain is null ? [] : [.. chain.ChainPolicy.ExtraStore.Select(c => c.Subject)]);
                    return true;
                },
            });
        }));
        var app = builder.Build();
        app.MapPost("/cerbos.svc.v1.CerbosService/CheckResources", context => self!.AnswerAsync(context));
        self = new ClientCertificateRecordingServer(app, certificates, serverCertificate, port);
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _serverCertificate.Dispose();
        _directory.Dispose();
    }

    private Task AnswerAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _calls) <= UnavailableFirst)
        {
            // Trailers-only: the status in the response headers, no message.
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = "try again";
            return Task.CompletedTask;
        }

        return AllowEverythingAsync(context);
    }

    private static async Task AllowEverythingAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = CheckResourcesRequest.Parser.ParseFrom(body.ToArray().AsSpan(5));
        var response = new CheckResourcesResponse { RequestId = request.RequestId, CerbosCallId = "fake-call" };
        foreach (var entry in request.Resources)
        {
            var result = new CheckResourcesResponse.Types.ResultEntry
            {
                Resource = new CheckResourcesResponse.Types.ResultEntry.Types.Resource { Id = entry.Resource.Id, Kind = entry.Resource.Kind },
            };
            foreach (var action in entry.Actions)
            {
                result.Actions[action] = WireEffect.Allow;
            }

            response.Results.Add(result);
        }

        var payload = response.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        context.Response.ContentType = "application/grpc";
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
