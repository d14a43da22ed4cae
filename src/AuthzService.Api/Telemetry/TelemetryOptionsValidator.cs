using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new ConfigurationErrors();
        const string S = TelemetryOptions.SectionName;
        if (options.OtlpEndpoint is { } endpoint
            && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{S}:OtlpEndpoint", $"must be an absolute http(s) URI (got '{endpoint}')");
        }

        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            errors.Add($"{S}:OtlpProtocol", $"must be 'grpc' or 'http/protobuf' (got '{options.OtlpProtocol}')");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add($"{S}:ServiceName", "must not be empty");
        }

        if (options.MetricExportInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{S}:MetricExportInterval", "must be at least 1 second");
        }

        return errors.ToResult();
    }
}
