using AuthzService.IntegrationTests.Protos;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace AuthzService.IntegrationTests.Wire;

/// <summary><c>test.v1.Probe</c>: reports what the server made of a call's deadline, waits for its cancellation, or throws.</summary>
public sealed class ProbeService : Probe.ProbeBase
{
    public override Task<Int64Value> Deadline(Empty request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remaining = context.Deadline == DateTime.MaxValue ? -1 : (long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds;
        return Task.FromResult(new Int64Value { Value = remaining });
    }

    public override async Task<Empty> WaitForCancel(Empty request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
        return new Empty();
    }

    /// <summary>What a bug in a handler looks like: an exception nothing maps, carrying text a caller must not see.</summary>
    public const string Secret = "Password=hunter2";

    public override Task<Empty> Throw(Empty request, ServerCallContext context) =>
        throw new InvalidOperationException($"connection string {Secret} rejected");
}
