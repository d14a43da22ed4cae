using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

public static class CerbosServiceCollectionExtensions
{
    /// <summary>
    /// Cerbos as this layer owns it: <see cref="CerbosOptions"/> bound from the <c>Cerbos</c> section and validated
    /// at start-up (<see cref="CerbosOptionsValidator"/>, which needs the host's <see cref="IHostEnvironment"/>), the
    /// channel factory, <see cref="CerbosDecisionPoint"/> (singletons: one channel, one circuit breaker per process)
    /// and the policy watcher (off unless <c>Cerbos:PolicyWatch:Address</c> is set). The adapter is registered as
    /// itself: where it sits in the decision pipeline is the host's one composition, not this method's.
    /// </summary>
    public static IServiceCollection AddCerbosDecisionPoint(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<CerbosOptions, CerbosOptionsValidator>(configuration.GetSection(CerbosOptions.SectionName));
        services.TryAddSingleton<CerbosChannelFactory>();
        services.TryAddSingleton<CerbosDecisionPoint>();
        services.TryAddSingleton(sp =>
        {
            var watch = sp.GetRequiredService<IOptions<CerbosOptions>>().Value.PolicyWatch;
            return new PolicyWatchState(watch.Address is not null, watch.UnconfirmedTtl);
        });
        services.AddHostedService<CerbosPolicyWatcher>();
        return services;
    }
}
