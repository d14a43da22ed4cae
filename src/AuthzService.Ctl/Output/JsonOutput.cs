using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace AuthzService.Ctl.Output;

/// <summary>
/// JSON for scripts. API messages are written in the protobuf JSON mapping with the proto field
/// names (snake_case) and every field present, so the shape is the documented API's and stays stable.
/// </summary>
internal static class JsonOutput
{
    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonNode ToNode(IMessage message) => JsonNode.Parse(Formatter.Format(message))!;

    public static void Write(TextWriter writer, JsonNode node) => writer.WriteLine(node.ToJsonString(WriteOptions));

    public static void Write(TextWriter writer, IMessage message) => Write(writer, ToNode(message));
}
