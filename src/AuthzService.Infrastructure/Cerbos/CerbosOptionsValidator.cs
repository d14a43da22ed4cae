using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuthzService.Infrastructure.Cerbos;

/// <summary>
/// Fails start-up on any unsafe or broken Cerbos setting: TLS verification may only be
/// switched off in Development, and every certificate file must be readable now rather
/// than on the first decision.
/// </summary>
internal sealed class CerbosOptionsValidator(IHostEnvironment environment) : IValidateOptions<CerbosOptions>
{
    public ValidateOptionsResult Validate(string? name, CerbosOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = CerbosOptions.SectionName;
        var development = environment.IsDevelopment();
        var address = options.Address;
        if (address is null)
        {
            errors.Add($"{S}:Address", "is required, e.g. https://127.0.0.1:3593");
        }
        else if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{S}:Address", $"must be an absolute http(s) URI (got '{address}')");
        }
        else if (address.Scheme == Uri.UriSchemeHttp && !development)
        {
            errors.Add($"{S}:Address", "must use https outside Development: decisions travel over mTLS");
        }

        var tls = options.Tls;
        if (!tls.Verify && !development)
        {
            errors.Add($"{S}:Tls:Verify", "false is refused outside Development: Cerbos's certificate must be verified");
        }

        if (address?.Scheme == Uri.UriSchemeHttps)
        {
            if (tls.Verify)
            {
                errors.RequireReadableFile($"{S}:Tls:CaCertificate", tls.CaCertificate);
            }

            var hasCert = !string.IsNullOrWhiteSpace(tls.ClientCertificate);
            var hasKey = !string.IsNullOrWhiteSpace(tls.ClientKey);
            if (hasCert || hasKey || !development)
            {
                errors.RequireReadableFile($"{S}:Tls:ClientCertificate", tls.ClientCertificate);
                errors.RequireReadableFile($"{S}:Tls:ClientKey", tls.ClientKey);
            }
        }

        if (options.DefaultTimeout <= TimeSpan.Zero || options.DefaultTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{S}:DefaultTimeout", "must be between 1 ms and 1 minute");
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            errors.Add($"{S}:MaxAttempts", "must be between 1 and 10");
        }

        if (options.BreakerFailureRatio is <= 0 or > 1)
        {
            errors.Add($"{S}:BreakerFailureRatio", "must be in (0, 1]");
        }

        if (options.BreakerMinimumThroughput < 2)
        {
            errors.Add($"{S}:BreakerMinimumThroughput", "must be at least 2");
        }

        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{S}:BreakerSamplingDuration/BreakerBreakDuration", "must each be at least 500 ms");
        }

        var watch = options.PolicyWatch;
        if (watch.Address is { } watchAddress)
        {
            if (!watchAddress.IsAbsoluteUri || (watchAddress.Scheme != Uri.UriSchemeHttps && watchAddress.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"{S}:PolicyWatch:Address", $"must be an absolute http(s) URI of Cerbos's HTTP listener (got '{watchAddress}')");
            }
            else if (watchAddress.Scheme == Uri.UriSchemeHttp && !development)
            {
                // What it reads decides when cached decisions are dropped: it must come from the real Cerbos.
                errors.Add($"{S}:PolicyWatch:Address", "must use https outside Development");
            }
        }

        if (watch.Interval < TimeSpan.FromMilliseconds(100) || watch.Interval > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{S}:PolicyWatch:Interval", "must be between 100 ms and 5 minutes");
        }

        if (watch.UnconfirmedTtl < TimeSpan.Zero || watch.UnconfirmedTtl > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{S}:PolicyWatch:UnconfirmedTtl", "must be between 0 (no caching while unconfirmed) and 5 minutes");
        }

        return errors.ToResult();
    }
}
