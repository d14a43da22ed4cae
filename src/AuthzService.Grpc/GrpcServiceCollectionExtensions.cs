using AuthzService.Grpc.Health;
using AuthzService.Grpc.Health.Internal;
using AuthzService.Grpc.Server;
using AuthzService.Grpc.Server.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzService.Grpc;

/// <summary>Registers the gRPC server layer, shaped like grpc-dotnet's <c>AddGrpc</c>.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the method table, the call dispatcher, <see cref="HealthStatusRegistry"/> and the
    /// shutdown hook that turns health NOT_SERVING when the application starts stopping (S12).
    /// Options are validated at start-up, all problems at once.
    /// </summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcServerOptions>, GrpcServerOptionsValidator>());
        services.TryAddSingleton<GrpcMethodRegistry>();
        services.TryAddSingleton<IGrpcMethodCatalog>(sp => sp.GetRequiredService<GrpcMethodRegistry>());
        services.TryAddSingleton<GrpcCallDispatcher>();
        services.TryAddSingleton<HealthStatusRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HealthShutdownHostedService>());
        return services;
    }
}
