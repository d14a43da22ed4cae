using System.CommandLine;

namespace AuthzService.Ctl.Cli;

/// <summary>Connection and output options every command accepts (recursive, set on the root).</summary>
internal sealed class CommonOptions
{
    public const string DefaultAddress = "http://127.0.0.1:50051";

    public Option<string?> Address { get; } = new("--address")
    {
        Description = $"AuthzService address, http://host:port (h2c) or https://host:port [env: AUTHZ_ADDRESS; default {DefaultAddress}]",
        Recursive = true,
    };

    public Option<string?> Ca { get; } = new("--ca")
    {
        Description = "PEM file with the CA certificate that signed the server certificate [env: AUTHZ_CA]",
        Recursive = true,
    };

    public Option<string?> Cert { get; } = new("--cert")
    {
        Description = "PEM file with the client certificate for mTLS [env: AUTHZ_CERT]",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "PEM file with the client certificate's private key [env: AUTHZ_KEY]",
        Recursive = true,
    };

    public Option<string?> Timeout { get; } = new("--timeout")
    {
        Description = "Deadline of each call: 500ms, 5s, 1m or 00:00:05 [env: AUTHZ_TIMEOUT; default 5s]",
        Recursive = true,
    };

    public Option<string> Output { get; } = CreateOutput();

    public void AddTo(Command root)
    {
        root.Options.Add(Address);
        root.Options.Add(Ca);
        root.Options.Add(Cert);
        root.Options.Add(Key);
        root.Options.Add(Timeout);
        root.Options.Add(Output);
    }

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table (for humans) or json (stable, for scripts)",
            DefaultValueFactory = _ => "table",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }
}
