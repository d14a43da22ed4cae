using System.CommandLine;
using System.Globalization;
using AuthzService.Client;

namespace AuthzService.Ctl.Cli;

/// <summary>Turns flags (first) and environment variables (second) into client options.</summary>
internal static class ConnectionSettings
{
    // Longer than the library's 2 s default: an operator's listing may page through many tenants.
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static AuthzClientOptions Resolve(ParseResult parse, CommonOptions common, CtlConsole console)
    {
        var timeoutText = parse.GetValue(common.Timeout) ?? console.Environment("AUTHZ_TIMEOUT");
        var options = new AuthzClientOptions
        {
            Address = parse.GetValue(common.Address) ?? NonEmpty(console.Environment("AUTHZ_ADDRESS")) ?? CommonOptions.DefaultAddress,
            CaCertificatePath = parse.GetValue(common.Ca) ?? NonEmpty(console.Environment("AUTHZ_CA")),
            ClientCertificatePath = parse.GetValue(common.Cert) ?? NonEmpty(console.Environment("AUTHZ_CERT")),
            ClientKeyPath = parse.GetValue(common.Key) ?? NonEmpty(console.Environment("AUTHZ_KEY")),
            DefaultTimeout = string.IsNullOrEmpty(timeoutText) ? DefaultTimeout : ParseTimeout(timeoutText),
        };
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            // Name the flags, not the library's configuration keys: that is what the operator typed.
            throw new UsageException(string.Join(Environment.NewLine, errors.Select(ToFlagNames)));
        }

        return options;
    }

    public static TimeSpan ParseTimeout(string text)
    {
        var t = text.Trim();
        TimeSpan? value = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(t[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) => TimeSpan.FromMilliseconds(ms),
            _ when t.EndsWith('s') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => TimeSpan.FromSeconds(s),
            _ when t.EndsWith('m') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var m) => TimeSpan.FromMinutes(m),
            _ when double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) => TimeSpan.FromSeconds(plain),
            _ when TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) => span,
            _ => null,
        };
        return value is { } v && v > TimeSpan.Zero
            ? v
            : throw new UsageException($"--timeout '{text}' is not a positive duration (e.g. 500ms, 5s, 1m, 00:00:05).");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ToFlagNames(string error) => error
        .Replace("AuthzClient:Address", "--address", StringComparison.Ordinal)
        .Replace("AuthzClient:CaCertificatePath", "--ca", StringComparison.Ordinal)
        .Replace("AuthzClient:ClientCertificatePath", "--cert", StringComparison.Ordinal)
        .Replace("AuthzClient:ClientKeyPath", "--key", StringComparison.Ordinal)
        .Replace("AuthzClient:DefaultTimeout", "--timeout", StringComparison.Ordinal);
}
