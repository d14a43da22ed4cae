using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.RateLimiting;

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = RateLimitOptions.SectionName;
        Check(errors, $"{S}:PerCaller", options.PerCaller);
        Check(errors, $"{S}:PerTenant", options.PerTenant);
        foreach (var (tier, limit) in options.Tiers)
        {
            Check(errors, $"{S}:Tiers:{tier}", limit);
        }

        if (options.TierCacheTtl < TimeSpan.FromSeconds(1) || options.TierCacheTtl > TimeSpan.FromHours(1))
        {
            errors.Add($"{S}:TierCacheTtl", "must be between 1 second and 1 hour");
        }

        if (options.MaxTrackedTenants is < 100 or > 10_000_000)
        {
            errors.Add($"{S}:MaxTrackedTenants", $"must be between 100 and 10000000 (got {options.MaxTrackedTenants})");
        }

        return errors.ToResult();
    }

    private static void Check(ConfigurationErrors errors, string key, RateLimit? limit)
    {
        if (limit is null)
        {
            return;
        }

        if (limit.PermitsPerSecond < 0)
        {
            errors.Add($"{key}:PermitsPerSecond", $"must be 0 (unlimited) or more (got {limit.PermitsPerSecond})");
        }

        if (limit.Burst < 0)
        {
            errors.Add($"{key}:Burst", $"must be 0 (= PermitsPerSecond) or more (got {limit.Burst})");
        }
    }
}
