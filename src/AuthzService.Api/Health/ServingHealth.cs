using AuthzService.Contracts.V1;
using Grpc.HealthCheck;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AuthzService.Api.Health;

/// <summary>
/// What <c>grpc.health.v1.Health</c> reports (Grpc.HealthCheck's <see cref="HealthServiceImpl"/>, served by
/// <see cref="HealthService"/>): one status for <c>""</c> (the whole server) and each of our services, set by
/// <see cref="DependencyHealthMonitor"/>. Once shutdown begins everything is NOT_SERVING and stays so, and
/// Watch streams end (<see cref="Stopping"/>).
/// </summary>
internal sealed class ServingHealth : IDisposable
{
    /// <summary>The name that stands for the whole server.</summary>
    public const string Server = "";

    /// <summary>Service names reported besides <see cref="Server"/>, from the generated descriptors.</summary>
    public static readonly IReadOnlyList<string> ServiceNames =
        [AuthorizationService.Descriptor.FullName, MembershipService.Descriptor.FullName, CacheService.Descriptor.FullName];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public HealthServiceImpl Service { get; } = new();

    /// <summary>Cancelled when shutdown begins, after every status turned NOT_SERVING.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public bool IsShuttingDown { get; private set; }

    /// <summary>Sets the whole server and every service to <paramref name="status"/>; ignored once shutting down.</summary>
    public void SetAll(ServingStatus status)
    {
        lock (_lock)
        {
            if (IsShuttingDown)
            {
                return;
            }

            Set(Server, status);
            foreach (var name in ServiceNames)
            {
                Set(name, status);
            }
        }
    }

    public bool TryGetStatus(string service, out ServingStatus status)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>Shutdown reports NOT_SERVING before anything else stops (docs/grpc.md, S12): every status NOT_SERVING (so balancers drain this instance), then Watch streams end.</summary>
    public void EnterShutdown()
    {
        lock (_lock)
        {
            if (IsShuttingDown)
            {
                return;
            }

            Set(Server, ServingStatus.NotServing);
            foreach (var name in ServiceNames)
            {
                Set(name, ServingStatus.NotServing);
            }

            IsShuttingDown = true;
        }

        _stopping.Cancel();
    }

    public void Dispose() => _stopping.Dispose();

    private void Set(string service, ServingStatus status)
    {
        _statuses[service] = status;
        Service.SetStatus(service, status);
    }
}
