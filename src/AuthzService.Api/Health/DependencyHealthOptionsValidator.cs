using AuthzService.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace AuthzService.Api.Health;

/// <summary>
/// The probe timing must make sense before the monitor starts: a zero interval probes PostgreSQL and Cerbos in a
/// tight loop; a negative one makes the monitor's delay throw, which stops the host with an error that names no
/// setting; a timeout of zero (or less) fails every probe and reports healthy dependencies down; a timeout of
/// minutes keeps health SERVING for minutes after a dependency hangs. Probes run one after another, so a timeout
/// longer than the interval only stretches the round.
/// </summary>
internal sealed class DependencyHealthOptionsValidator : IValidateOptions<DependencyHealthOptions>
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, DependencyHealthOptions options)
    {
        var errors = new ConfigurationErrors();
        const string Interval = DependencyHealthOptions.SectionName + ":" + nameof(DependencyHealthOptions.ProbeInterval);
        const string Timeout = DependencyHealthOptions.SectionName + ":" + nameof(DependencyHealthOptions.ProbeTimeout);
        if (options.ProbeInterval < MinInterval || options.ProbeInterval > MaxInterval)
        {
            errors.Add(Interval, $"must be between {MinInterval} and {MaxInterval} (got {options.ProbeInterval})");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add(Timeout, $"must be positive (got {options.ProbeTimeout})");
        }
        else if (options.ProbeTimeout > MaxTimeout)
        {
            errors.Add(Timeout, $"must be at most {MaxTimeout} (got {options.ProbeTimeout})");
        }

        return errors.ToResult();
    }
}
