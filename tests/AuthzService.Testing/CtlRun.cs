using AuthzService.Ctl;

namespace AuthzService.Testing;

/// <summary>Runs authzctl in-process with captured output and a given environment.</summary>
public sealed record CtlRun(int ExitCode, string Out, string Error)
{
    public static async Task<CtlRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        await RunAsync(environment, outputIsTerminal: false, args);

    public static async Task<CtlRun> RunAsync(IReadOnlyDictionary<string, string?> environment, bool outputIsTerminal, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CtlConsole(output, error, name => environment.TryGetValue(name, out var value) ? value : null, outputIsTerminal);
        var exitCode = await CtlApp.RunAsync(args, console);
        return new CtlRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Output lines without trailing blanks, for comparing tables.</summary>
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}
