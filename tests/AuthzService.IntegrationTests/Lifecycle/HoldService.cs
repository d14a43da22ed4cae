using AuthzService.IntegrationTests.Protos;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Lifecycle;

/// <summary>A test-only gRPC method that stays in flight until the test releases it.</summary>
public sealed class HoldService : Hold.HoldBase
{
    /// <summary>The full method name, from the generated descriptor.</summary>
    public static string Method { get; } = "/" + Protos.Hold.Descriptor.FullName + "/" + Protos.Hold.Descriptor.Methods[0].Name;

    /// <summary>Set when a call has entered the handler.</summary>
    public static TaskCompletionSource Entered { get; private set; } = NewSource();

    /// <summary>The handler returns once this is set.</summary>
    public static TaskCompletionSource Release { get; private set; } = NewSource();

    public static void Reset()
    {
        Entered = NewSource();
        Release = NewSource();
    }

    public override async Task<Empty> Hold(Empty request, ServerCallContext context)
    {
        Entered.TrySetResult();
        // Deliberately not the call's token: an in-flight call that ignores shutdown is what the grace period is for.
        await Release.Task;
        return new Empty();
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
