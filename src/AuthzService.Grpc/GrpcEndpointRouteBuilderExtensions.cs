using AuthzService.Grpc.Health.Internal;
using AuthzService.Grpc.Server;
using AuthzService.Grpc.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.Grpc;

/// <summary>Maps gRPC services, shaped like grpc-dotnet's <c>MapGrpcService</c>.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Adds <typeparamref name="TService"/>'s methods to the method table. Every gRPC path goes
    /// through one catch-all endpoint, so unknown services and methods still get a gRPC answer (S2);
    /// more specific endpoints mapped by the host take precedence over it.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, IGrpcService<TService>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var registry = endpoints.ServiceProvider.GetService<GrpcMethodRegistry>()
            ?? throw new InvalidOperationException("Call services.AddGrpcServer() before mapping gRPC services.");
        if (registry.TryMarkBound(typeof(TService)))
        {
            TService.BindService(new GrpcServiceBinder<TService>(registry));
        }

        return MapDispatcher(endpoints, registry);
    }

    /// <summary>Serves <c>grpc.health.v1.Health</c> (Check and Watch) from <see cref="Health.HealthStatusRegistry"/>.</summary>
    public static IEndpointConventionBuilder MapGrpcHealthService(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthService>();

    private static IEndpointConventionBuilder MapDispatcher(IEndpointRouteBuilder endpoints, GrpcMethodRegistry registry)
    {
        // Later Map calls share the first endpoint (and its conventions, such as RequireHost).
        var dispatcher = endpoints.ServiceProvider.GetRequiredService<GrpcCallDispatcher>();
        return registry.Endpoint ??= endpoints.Map("/{**grpcPath}", dispatcher.HandleAsync).WithDisplayName("gRPC");
    }
}
