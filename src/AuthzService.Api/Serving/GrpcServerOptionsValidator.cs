using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Serving;

internal sealed class GrpcServerOptionsValidator : IValidateOptions<GrpcServerOptions>
{
    public ValidateOptionsResult Validate(string? name, GrpcServerOptions options)
    {
        var errors = new ConfigurationErrors();
        const string Section = GrpcServerOptions.SectionName;
        if (options.MaxReceiveMessageSize <= 0)
        {
            errors.Add($"{Section}:{nameof(options.MaxReceiveMessageSize)}", $"must be positive (got {options.MaxReceiveMessageSize})");
        }

        if (options.MaxSendMessageSize is <= 0)
        {
            errors.Add($"{Section}:{nameof(options.MaxSendMessageSize)}", $"must be positive or unset (got {options.MaxSendMessageSize})");
        }

        if (options.MaxDeadline is { } max && max <= TimeSpan.Zero)
        {
            errors.Add($"{Section}:{nameof(options.MaxDeadline)}", $"must be positive or unset (got {max})");
        }

        if (options.ResponseCompressionAlgorithm is not null and not GrpcServerOptions.Gzip)
        {
            errors.Add($"{Section}:{nameof(options.ResponseCompressionAlgorithm)}", $"must be 'gzip' or unset (got '{options.ResponseCompressionAlgorithm}')");
        }

        return errors.ToResult();
    }
}
