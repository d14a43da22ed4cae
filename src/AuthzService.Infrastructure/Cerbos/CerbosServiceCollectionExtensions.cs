using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

public static class CerbosServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CerbosOptions"/> from the <c>Cerbos</c> section and registers the channel factory and
    /// <see cref="CerbosDecisionPoint"/> as the <see cref="IPolicyDecisionPoint"/> (singletons: one channel,
    /// one circuit breaker per process). Options are validated at start-up by the host.
    /// </summary>
    public static IServiceCollection AddCerbosDecisionPoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CerbosOptions>().Bind(configuration.GetSection(CerbosOptions.SectionName));
        services.TryAddSingleton<CerbosChannelFactory>();
        services.TryAddSingleton<CerbosDecisionPoint>();
        services.TryAddSingleton<IPolicyDecisionPoint>(sp => sp.GetRequiredService<CerbosDecisionPoint>());
        services.TryAddSingleton(sp =>
        {
            var watch = sp.GetRequiredService<IOptions<CerbosOptions>>().Value.PolicyWatch;
            return new PolicyWatchState(watch.Address is not null, watch.UnconfirmedTtl);
        });
        return services;
    }
}
