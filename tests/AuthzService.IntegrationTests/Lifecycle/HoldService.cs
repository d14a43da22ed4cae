using AuthzService.Grpc.Server;
using Grpc.Health.V1;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>A test-only gRPC method that stays in flight until the test releases it.</summary>
public sealed class HoldService : IGrpcService<HoldService>
{
    public const string Method = "/test.v1.Hold/Hold";

    /// <summary>Set when a call has entered the handler.</summary>
    public static TaskCompletionSource Entered { get; private set; } = NewSource();

    /// <summary>The handler returns once this is set.</summary>
    public static TaskCompletionSource Release { get; private set; } = NewSource();

    public static void Reset()
    {
        Entered = NewSource();
        Release = NewSource();
    }

    public static void BindService(GrpcServiceBinder<HoldService> binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddUnaryMethod<HealthCheckRequest, HealthCheckResponse>("test.v1.Hold", "Hold", HealthCheckRequest.Parser, (_, _, c) => HoldAsync(c));
    }

    public static async Task<HealthCheckResponse> HoldAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Entered.TrySetResult();
        // Deliberately not the call's token: an in-flight call that ignores shutdown is what the grace period is for.
        await Release.Task;
        return new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving };
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
