using AuthzService.Client.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="AuthzService.Client.AuthzClient"/> as a singleton.</summary>
public static class AuthzClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers the client with options bound from the <c>AuthzClient</c> section of
    /// <paramref name="configuration"/> (e.g. <c>AuthzClient__Address</c> in the environment) and
    /// validated when the host starts: every problem is reported at once, naming its key.
    /// </summary>
    public static IServiceCollection AddAuthzClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AuthzService.Client.AuthzClientOptions>().Bind(configuration.GetSection(AuthzService.Client.AuthzClientOptions.SectionName));
        return AddCore(services);
    }

    /// <summary>Registers the client with options set in code, validated when the host starts.</summary>
    public static IServiceCollection AddAuthzClient(this IServiceCollection services, Action<AuthzService.Client.AuthzClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AuthzService.Client.AuthzClientOptions>().Configure(configure);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<AuthzService.Client.AuthzClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthzService.Client.AuthzClientOptions>, AuthzClientOptionsValidator>());
        services.TryAddSingleton(sp => new AuthzService.Client.AuthzClient(
            sp.GetRequiredService<IOptions<AuthzService.Client.AuthzClientOptions>>().Value, sp.GetService<ILoggerFactory>()));
        return services;
    }
}
