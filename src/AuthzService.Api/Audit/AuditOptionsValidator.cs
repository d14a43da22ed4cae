using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Audit;

/// <summary>Rejects a sample rate outside 0..1 and empty secret-key markers (which would redact nothing or everything).</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = AuditOptions.SectionName;
        if (double.IsNaN(options.AllowSampleRate) || options.AllowSampleRate is < 0 or > 1)
        {
            errors.Add($"{S}:AllowSampleRate", $"must be between 0 and 1 (got {options.AllowSampleRate})");
        }

        for (var i = 0; i < options.SecretContextKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.SecretContextKeys[i]))
            {
                errors.Add($"{S}:SecretContextKeys:{i}", "must not be empty");
            }
        }

        return errors.ToResult();
    }
}
