using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.Infrastructure;

/// <summary>Decorators over DI registrations (the cache, tracing) without a container that supports them.</summary>
public static class ServiceCollectionDecoratorExtensions
{
    /// <summary>
    /// Wraps the last registration of <typeparamref name="TService"/> (with whatever decorators it already has)
    /// in place, keeping its lifetime. A decorator with nothing to wrap is a wiring bug, so that throws.
    /// </summary>
    public static IServiceCollection Decorate<TService>(this IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(decorate);
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var inner = services[i];
            if (inner.ServiceType == typeof(TService) && !inner.IsKeyedService)
            {
                services[i] = ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, Resolve<TService>(sp, inner)), inner.Lifetime);
                return services;
            }
        }

        throw new InvalidOperationException($"Register {typeof(TService).Name} before decorating it.");
    }

    private static TService Resolve<TService>(IServiceProvider provider, ServiceDescriptor descriptor)
        where TService : class =>
        (TService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.GetServiceOrCreateInstance(provider, descriptor.ImplementationType!));
}
