using AuthzService.Grpc.Client;
using AuthzService.Grpc.Internal;
using AuthzService.Testing;
using Grpc.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>C2 and C3: deadlines, cancellation and broken streams never end as a success.</summary>
[TestClass]
public sealed class UnaryCallLifetimeTests
{
    private const string Method = "/grpc.testing.TestService/EmptyCall";
    private const int InternalError = 0x2;

    private static readonly TimeSpan s_signalTimeout = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task CallUnaryAsync_WithDeadline_SendsRemainingTimeAsGrpcTimeout()
    {
        // Arrange
        string? header = null;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            header = ctx.Request.Headers["grpc-timeout"];
            return GrpcWire.WriteOkAsync(ctx, new Empty());
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(30)));

        // Assert
        Assert.IsNotNull(header);
        Assert.IsTrue(GrpcTimeout.TryParse(header, out var timeout), header);
        Assert.IsGreaterThan(TimeSpan.Zero, timeout);
        Assert.IsLessThanOrEqualTo(TimeSpan.FromSeconds(30), timeout);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerNeverAnswers_ThrowsDeadlineExceeded()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromMilliseconds(300))));

        // Assert
        Assert.AreEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerSendsHeadersThenHangs_ThrowsDeadlineExceeded()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.StartAsync();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromMilliseconds(300))));

        // Assert
        Assert.AreEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_DeadlineAlreadyPassed_ThrowsDeadlineExceededWithoutSending()
    {
        // Arrange
        var calls = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref calls);
            return GrpcWire.WriteOkAsync(ctx, new Empty());
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            Method, new Empty(), Empty.Parser, new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        // Assert
        Assert.AreEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.AreEqual(0, calls);
    }

    [TestMethod]
    public async Task CallUnaryAsync_CallerCancels_ThrowsCancelled()
    {
        // Arrange
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cts = new CancellationTokenSource();

        // Act
        var call = channel.CallUnaryAsync(Method, new Empty(), Empty.Parser, new CallOptions(CancellationToken: cts.Token));
        await arrived.Task.WaitAsync(s_signalTimeout);
        await cts.CancelAsync();
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => call);

        // Assert
        Assert.AreEqual(StatusCode.Cancelled, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerResetsStreamBeforeResponse_ThrowsUnavailable()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Features.Get<IHttpResetFeature>()!.Reset(InternalError);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerResetsStreamAfterMessage_ThrowsUnavailableNotPartialSuccess()
    {
        // Arrange
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(new Empty()));
            await ctx.Response.Body.FlushAsync();
            ctx.Features.Get<IHttpResetFeature>()!.Reset(InternalError);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ConnectionRefused_ThrowsUnavailable()
    {
        // Arrange
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{FreePort.Next()}");

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
    }
}
