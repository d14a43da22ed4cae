namespace AuthzService.Ctl;

/// <summary>Where authzctl writes and what it knows of its environment; tests pass their own.</summary>
internal sealed class CtlConsole
{
    public CtlConsole(TextWriter output, TextWriter error, Func<string, string?> environment, bool outputIsTerminal)
    {
        Out = output;
        Error = error;
        Environment = environment;
        OutputIsTerminal = outputIsTerminal;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>Environment variable lookup (AUTHZ_ADDRESS, NO_COLOR, ...).</summary>
    public Func<string, string?> Environment { get; }

    public bool OutputIsTerminal { get; }

    /// <summary>Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).</summary>
    public bool UseColor => OutputIsTerminal && string.IsNullOrEmpty(Environment("NO_COLOR"));

    public static CtlConsole FromSystemConsole() =>
        new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
}
