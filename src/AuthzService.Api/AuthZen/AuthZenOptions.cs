using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.AuthZen;

/// <summary>The <c>AuthZen</c> section: what the AuthZEN API needs beyond the gRPC settings it shares.</summary>
public sealed class AuthZenOptions
{
    public const string SectionName = "AuthZen";

    /// <summary>
    /// The Cerbos policy directory (the one Cerbos loads, mounted read-only), from which action search takes the
    /// actions each resource kind's policies declare. Unset: action search is not served (404, not in the metadata).
    /// </summary>
    public string? PolicyDirectory { get; set; }
}

internal sealed class AuthZenOptionsValidator : IValidateOptions<AuthZenOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthZenOptions options)
    {
        var errors = new ConfigurationErrors();
        if (options.PolicyDirectory is { } directory && !string.IsNullOrWhiteSpace(directory) && !Directory.Exists(directory))
        {
            errors.Add($"{AuthZenOptions.SectionName}:{nameof(options.PolicyDirectory)}", $"is not a directory: '{directory}' (unset it to serve no action search)");
        }

        return errors.ToResult();
    }
}
