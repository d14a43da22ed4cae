using System.CommandLine;
using AuthzService.Client;
using AuthzService.Ctl.Output;

namespace AuthzService.Ctl.Cli;

/// <summary>What a command's body gets: its parse result, a connected client and the output writers.</summary>
internal sealed class CommandContext
{
    public CommandContext(ParseResult parse, AuthzClient client, CtlConsole console, bool json)
    {
        Parse = parse;
        Client = client;
        Console = console;
        Json = json;
        Ansi = new Ansi(console.UseColor && !json);
    }

    public ParseResult Parse { get; }

    public AuthzClient Client { get; }

    public CtlConsole Console { get; }

    /// <summary>True for <c>--output json</c>.</summary>
    public bool Json { get; }

    public Ansi Ansi { get; }

    public TextWriter Out => Console.Out;

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);
}
