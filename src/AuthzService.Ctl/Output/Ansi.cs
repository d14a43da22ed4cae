namespace AuthzService.Ctl.Output;

/// <summary>ANSI colours, or plain text when colour is off (not a terminal, NO_COLOR, or JSON output).</summary>
internal sealed class Ansi
{
    public Ansi(bool enabled)
    {
        Enabled = enabled;
    }

    public bool Enabled { get; }

    public string Green(string text) => Wrap("32", text);

    public string Red(string text) => Wrap("31", text);

    public string Yellow(string text) => Wrap("33", text);

    public string Bold(string text) => Wrap("1", text);

    public string Dim(string text) => Wrap("2", text);

    private string Wrap(string code, string text) => Enabled ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
