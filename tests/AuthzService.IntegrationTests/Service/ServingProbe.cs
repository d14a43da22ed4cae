using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AuthzService.IntegrationTests.Service;

/// <summary>The one wait for a service process to report SERVING on <c>grpc.health.v1.Health/Check</c>.</summary>
internal static class ServingProbe
{
    /// <summary>
    /// Polls Check every 100 ms (each call bounded to 2 s) until the server answers SERVING. Fails at once, with
    /// what the process printed, when <paramref name="exitCode"/> reports the process gone, and after
    /// <paramref name="timeout"/> with the last answer seen.
    /// </summary>
    public static async Task WaitForServingAsync(GrpcChannel channel, TimeSpan timeout, Func<string> output, Func<int?>? exitCode = null)
    {
        var last = "no answer";
        int? exited = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (exitCode?.Invoke() is { } code)
                    {
                        exited = code;
                        return true;
                    }

                    try
                    {
                        var health = await channel.CallUnaryAsync(
                            "/grpc.health.v1.Health/Check", new HealthCheckRequest(), HealthCheckResponse.Parser, new CallOptions().WithTimeout(TimeSpan.FromSeconds(2)));
                        last = health.Status.ToString();
                        return health.Status == HealthCheckResponse.Types.ServingStatus.Serving;
                    }
                    catch (RpcException ex)
                    {
                        last = ex.Status.ToString();
                        return false;
                    }
                },
                "the service reports SERVING",
                timeout,
                TimeSpan.FromMilliseconds(100));
        }
        catch (AssertFailedException)
        {
            Assert.Fail($"the service did not become SERVING within {timeout} (last: {last}):\n{output()}");
        }

        if (exited is { } status)
        {
            Assert.Fail($"the service exited with code {status}:\n{output()}");
        }
    }
}
