using FluentValidation;

namespace AuthzService.Api.Validation;

internal static class ValidatorRegistration
{
    /// <summary>
    /// Every validator of this assembly as <c>IValidator&lt;T&gt;</c>, found by FluentValidation's scan (the
    /// validators are internal, hence <c>includeInternalTypes</c>). Singletons: they hold no state, and the
    /// handlers that use them are singletons too.
    /// </summary>
    public static IServiceCollection AddRequestValidators(this IServiceCollection services) =>
        services.AddValidatorsFromAssemblyContaining<CheckResourcesRequestValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
}
