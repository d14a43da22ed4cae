using AuthzService.Grpc.Server;
using Google.Protobuf;
using Grpc.Testing;

namespace AuthzService.Grpc.Tests.TestHost;

/// <summary>Handlers that misbehave in the ways the server tests need: throw, hang, stream, inspect the context.</summary>
public sealed class FunctionalTestService : IGrpcService<FunctionalTestService>
{
    public const string ServiceName = "authz.test.Functional";
    public const string SecretText = "db password is hunter2";

    private readonly InvocationLog _log;

    public FunctionalTestService(InvocationLog log)
    {
        _log = log;
    }

    public static void BindService(GrpcServiceBinder<FunctionalTestService> binder)
    {
        binder
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "Throw", SimpleRequest.Parser, static (s, r, c) => s.Throw(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "ThrowRpc", SimpleRequest.Parser, static (s, r, c) => s.ThrowRpc(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "WaitForCancel", SimpleRequest.Parser, static (s, r, c) => s.WaitForCancel(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "IgnoreDeadline", SimpleRequest.Parser, static (s, r, c) => s.IgnoreDeadline(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "WaitForGate", SimpleRequest.Parser, static (s, r, c) => s.WaitForGate(c))
            .AddUnaryMethod<SimpleRequest, SimpleResponse>(ServiceName, "Context", SimpleRequest.Parser, static (s, r, c) => s.Context(c))
            .AddServerStreamingMethod<SimpleRequest, SimpleResponse>(ServiceName, "Stream", SimpleRequest.Parser, static (s, r, w, c) => s.Stream(r, w, c));
    }

    private Task<SimpleResponse> Throw(ServerCallContext context)
    {
        _log.Record(context.Method);
        throw new InvalidOperationException(SecretText);
    }

    private Task<SimpleResponse> ThrowRpc(ServerCallContext context)
    {
        _log.Record(context.Method);
        throw new RpcException(
            new Status(StatusCode.PermissionDenied, "denied: 100% sure ✓ 😈"),
            new Metadata().Add("x-reason", "policy").Add("x-detail-bin", [0, 1, 2, 255]));
    }

    private async Task<SimpleResponse> WaitForCancel(ServerCallContext context)
    {
        _log.Record(context.Method);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new SimpleResponse();
    }

    /// <summary>A handler that never looks at its token: the deadline must still end the call on time.</summary>
    private async Task<SimpleResponse> IgnoreDeadline(ServerCallContext context)
    {
        _log.Record(context.Method);
        await _log.Gate.Task.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(static _ => { }, TaskScheduler.Default);
        return new SimpleResponse { Hostname = "late" };
    }

    private async Task<SimpleResponse> WaitForGate(ServerCallContext context)
    {
        _log.Record(context.Method);
        await _log.Gate.Task.WaitAsync(context.CancellationToken);
        return new SimpleResponse { Hostname = "finished" };
    }

    /// <summary>Reports what the context saw; request metadata comes back as trailers, unchanged.</summary>
    private Task<SimpleResponse> Context(ServerCallContext context)
    {
        _log.Record(context.Method);
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.ValueBytes is { } bytes)
            {
                context.ResponseTrailers.Add(entry.Key, bytes);
            }
            else
            {
                context.ResponseTrailers.Add(entry.Key, entry.Value!);
            }
        }

        context.ResponseHeaders.Add("x-initial", "yes");
        context.ResponseHeaders.Add("grpc-status", "0");
        context.ResponseHeaders.Add("grpc-custom", "not allowed");
        var remaining = context.Deadline == DateTime.MaxValue ? "none" : ((long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.FromResult(new SimpleResponse
        {
            Username = context.ClientCertificate?.Subject ?? string.Empty,
            OauthScope = context.Peer,
            ServerId = context.Method,
            Hostname = remaining,
        });
    }

    private async Task Stream(SimpleRequest request, IServerStreamWriter<SimpleResponse> responses, ServerCallContext context)
    {
        _log.Record(context.Method);
        for (var i = 0; i < request.ResponseSize; i++)
        {
            await responses.WriteAsync(new SimpleResponse { Payload = new Payload { Body = ByteString.CopyFrom(new byte[i]) } }, context.CancellationToken);
        }

        if (request.ResponseStatus is { Code: not 0 } echo)
        {
            throw new RpcException(new Status((StatusCode)echo.Code, echo.Message));
        }
    }
}
