using AuthzService.Grpc.Client;
using Grpc.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AuthzService.Grpc.Tests.Client;

/// <summary>C4: retries only on UNAVAILABLE and refused streams, before any response message, within the deadline.</summary>
[TestClass]
public sealed class RetryTests
{
    private const string Method = "/grpc.testing.TestService/EmptyCall";
    private const int RefusedStream = 0x7;

    private static readonly RetryPolicy s_fastRetries = new()
    {
        MaxAttempts = 5,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
    };

    [TestMethod]
    public async Task CallUnaryAsync_UnavailableTwiceThenOk_SucceedsOnThirdAttempt()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
            Interlocked.Increment(ref attempts) < 3
                ? GrpcWire.WriteTrailersOnlyAsync(ctx, StatusCode.Unavailable, "warming up")
                : GrpcWire.WriteOkAsync(ctx, new Empty()));
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RetryPolicy = s_fastRetries });

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
        Assert.AreEqual(3, attempts);
    }

    [TestMethod]
    [DataRow(StatusCode.Internal)]
    [DataRow(StatusCode.Unknown)]
    [DataRow(StatusCode.ResourceExhausted)]
    [DataRow(StatusCode.PermissionDenied)]
    [DataRow(StatusCode.DeadlineExceeded)]
    public async Task CallUnaryAsync_NonRetryableStatus_MakesOneAttempt(StatusCode code)
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return GrpcWire.WriteTrailersOnlyAsync(ctx, code);
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RetryPolicy = s_fastRetries });

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(code, ex.StatusCode);
        Assert.AreEqual(1, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_UnavailableAfterResponseMessage_DoesNotRetry()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            Interlocked.Increment(ref attempts);
            await ctx.Request.Body.CopyToAsync(Stream.Null);
            ctx.Response.ContentType = "application/grpc";
            await ctx.Response.Body.WriteAsync(GrpcWire.Frame(new Empty()));
            ctx.Response.AppendTrailer("grpc-status", "14");
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RetryPolicy = s_fastRetries });

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.AreEqual(1, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_WithoutRetryPolicy_MakesOneAttempt()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return GrpcWire.WriteTrailersOnlyAsync(ctx, StatusCode.Unavailable);
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.AreEqual(1, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_AlwaysUnavailable_StopsAtDeadline()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            return GrpcWire.WriteTrailersOnlyAsync(ctx, StatusCode.Unavailable);
        });
        var policy = new RetryPolicy
        {
            MaxAttempts = 1000,
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            BackoffMultiplier = 1,
        };
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RetryPolicy = policy });

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(
            Method, new Empty(), Empty.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(2))));

        // Assert: 1000 attempts need at least 80 s of backoff; the 2 s deadline ends them long before.
        Assert.IsTrue(ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded, ex.StatusCode.ToString());
        Assert.IsGreaterThanOrEqualTo(2, attempts);
        Assert.IsLessThan(100, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_RefusedStreamThenOk_Succeeds()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
            {
                ctx.Features.Get<IHttpResetFeature>()!.Reset(RefusedStream);
                return;
            }

            await GrpcWire.WriteOkAsync(ctx, new Empty());
        });
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { RetryPolicy = s_fastRetries });

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
        Assert.AreEqual(3, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_RefusedStreamWithoutRetryPolicy_RetriesTransparently()
    {
        // Arrange: a refused stream never reached the application, so it is retried whatever the policy.
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(async ctx =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                ctx.Features.Get<IHttpResetFeature>()!.Reset(RefusedStream);
                return;
            }

            await GrpcWire.WriteOkAsync(ctx, new Empty());
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var response = await channel.CallUnaryAsync(Method, new Empty(), Empty.Parser);

        // Assert
        Assert.IsNotNull(response);
        Assert.AreEqual(2, attempts);
    }

    [TestMethod]
    public async Task CallUnaryAsync_ServerAlwaysRefusesStream_ThrowsUnavailableAfterBoundedAttempts()
    {
        // Arrange
        var attempts = 0;
        await using var server = await HandBuiltServer.StartAsync(ctx =>
        {
            Interlocked.Increment(ref attempts);
            ctx.Features.Get<IHttpResetFeature>()!.Reset(RefusedStream);
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress(server.Address);

        // Act
        var ex = await Assert.ThrowsExactlyAsync<RpcException>(() => channel.CallUnaryAsync(Method, new Empty(), Empty.Parser));

        // Assert
        Assert.AreEqual(StatusCode.Unavailable, ex.StatusCode);
        Assert.IsLessThan(50, attempts);
    }
}
