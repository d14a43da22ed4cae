using System.Text.RegularExpressions;
using AuthzService.Testing;
using Google.Protobuf.Reflection;

namespace AuthzService.Contracts.Tests.Cerbos;

/// <summary>
/// Reads the descriptors Cerbos publishes in <c>@cerbos/api</c>: each generated <c>*_pb.js</c> embeds its
/// file as a base64 <c>FileDescriptorProto</c> in a <c>fileDesc("...")</c> call.
/// </summary>
internal static partial class UpstreamDescriptors
{
    public static string ApiRoot => Path.Combine(RepoPaths.NodeModules, "@cerbos", "api", "lib", "protobuf");

    /// <param name="protoName">For example <c>cerbos/engine/v1/engine.proto</c>.</param>
    public static FileDescriptorProto Load(string protoName)
    {
        var path = RepoPaths.Require(
            Path.Combine(ApiRoot, protoName.Replace(".proto", "_pb.js", StringComparison.Ordinal)),
            "@cerbos/api generated file for " + protoName);
        var match = FileDescPattern().Match(File.ReadAllText(path));
        if (!match.Success)
        {
            throw new InvalidOperationException($"No fileDesc(\"...\") in '{path}': the @cerbos/api layout changed.");
        }

        // protobuf-es emits base64 without padding; Convert wants it padded.
        var base64 = match.Groups[1].Value.TrimEnd('=');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        return FileDescriptorProto.Parser.ParseFrom(Convert.FromBase64String(base64));
    }

    [GeneratedRegex(@"fileDesc\(""([A-Za-z0-9+/=]+)""")]
    private static partial Regex FileDescPattern();
}
