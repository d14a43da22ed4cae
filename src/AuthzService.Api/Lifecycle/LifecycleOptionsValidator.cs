using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Lifecycle;

internal sealed class LifecycleOptionsValidator : IValidateOptions<LifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, LifecycleOptions options)
    {
        var errors = new ConfigurationErrors();
        if (options.ShutdownGracePeriod < TimeSpan.Zero || options.ShutdownGracePeriod > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{LifecycleOptions.SectionName}:ShutdownGracePeriod", $"must be between 00:00:00 and 00:10:00 (got {options.ShutdownGracePeriod})");
        }

        return errors.ToResult();
    }
}
