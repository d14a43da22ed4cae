using System.Threading.Channels;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Grpc.Health.Internal;

/// <summary>One Watch call's view of a service: statuses queue here until the call writes them.</summary>
internal sealed class HealthWatcher : IDisposable
{
    private readonly HealthStatusRegistry _owner;

    public HealthWatcher(HealthStatusRegistry owner, string service)
    {
        _owner = owner;
        Service = service;
    }

    public string Service { get; }

    public Channel<ServingStatus> Changes { get; } = Channel.CreateUnbounded<ServingStatus>(
        new UnboundedChannelOptions { SingleReader = true });

    public void Dispose() => _owner.Remove(this);
}
