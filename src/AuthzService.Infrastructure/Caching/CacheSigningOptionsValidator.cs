using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Caching;

/// <summary>
/// L2 values are authenticated (issue 11.5): outside Development a configured Redis needs <c>Cache:SigningKey</c>,
/// and any key given must be base64 of at least 32 bytes. Problems name the key, never quote the value.
/// </summary>
internal sealed class CacheSigningOptionsValidator(IHostEnvironment environment, IConfiguration configuration) : IValidateOptions<CacheSigningOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheSigningOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = CacheSigningOptions.SectionName;
        var redis = !string.IsNullOrWhiteSpace(configuration.GetConnectionString(CacheServiceCollectionExtensions.RedisConnectionStringName));
        var hasKey = !string.IsNullOrWhiteSpace(options.SigningKey);
        if (!hasKey)
        {
            if (redis && !environment.IsDevelopment())
            {
                errors.Add($"{S}:SigningKey",
                    "is required outside Development when L2 (ConnectionStrings:Redis) is configured: base64 of at least "
                    + $"{CacheValueSigner.MinimumKeyLength} random bytes (`openssl rand -base64 32`), from a secret; it authenticates every L2 value");
            }
        }
        else if (!CacheValueSigner.TryParseKey(options.SigningKey, out _, out var problem))
        {
            errors.Add($"{S}:SigningKey", problem);
        }

        if (!string.IsNullOrWhiteSpace(options.PreviousSigningKey))
        {
            if (!hasKey)
            {
                errors.Add($"{S}:PreviousSigningKey", "is only accepted together with Cache:SigningKey (it verifies reads during a rotation)");
            }
            else if (!CacheValueSigner.TryParseKey(options.PreviousSigningKey, out _, out var problem))
            {
                errors.Add($"{S}:PreviousSigningKey", problem);
            }
        }

        return errors.ToResult();
    }
}
