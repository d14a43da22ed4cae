using AuthzService.Core.Caching;
using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Caching;

internal sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = CacheOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            errors.Add($"{S}:KeyPrefix", "must not be empty: it isolates this cache from others sharing Redis");
        }
        else if (options.KeyPrefix.Length > 64 || options.KeyPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add($"{S}:KeyPrefix", "must be at most 64 characters without spaces or control characters");
        }

        if (options.Ttl <= TimeSpan.Zero || options.Ttl > CacheOptions.MaxTtl)
        {
            errors.Add($"{S}:Ttl", $"must be between 00:00:00.001 and {CacheOptions.MaxTtl} (got {options.Ttl})");
        }

        if (options.L1SizeLimit < 1)
        {
            errors.Add($"{S}:L1SizeLimit", "must be at least 1");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"{S}:RedisTimeout", "must be between 1 ms and 30 s");
        }

        if (options.DegradedPrincipalTtl <= TimeSpan.Zero || options.DegradedPrincipalTtl > options.Ttl)
        {
            errors.Add($"{S}:DegradedPrincipalTtl", "must be positive and not longer than Cache:Ttl");
        }

        return errors.ToResult();
    }
}
