using Microsoft.Extensions.Options;

namespace AuthzService.Client.Internal;

/// <summary>Runs <see cref="AuthzClientOptions.Validate"/> at start-up (ValidateOnStart) and reports every problem at once.</summary>
internal sealed class AuthzClientOptionsValidator : IValidateOptions<AuthzClientOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthzClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
