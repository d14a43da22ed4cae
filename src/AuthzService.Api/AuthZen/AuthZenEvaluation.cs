using System.Text.Json;

namespace AuthzService.Api.AuthZen;

/// <summary>One access evaluation as AuthZEN names it (subject, action, resource, context), after defaults are applied.</summary>
internal sealed record AuthZenEvaluation(JsonElement? Subject, JsonElement? Action, JsonElement? Resource, JsonElement? Context)
{
    /// <summary>This item with each of its missing keys taken from <paramref name="defaults"/> (a key present on the item wins whole).</summary>
    public AuthZenEvaluation Over(AuthZenEvaluation defaults) =>
        new(Subject ?? defaults.Subject, Action ?? defaults.Action, Resource ?? defaults.Resource, Context ?? defaults.Context);

    /// <summary>Reads the four keys of a request or an <c>evaluations[]</c> item; type errors are left to <see cref="AuthZenRequestReader"/>.</summary>
    public static AuthZenEvaluation From(JsonElement item) =>
        new(Member(item, "subject"), Member(item, "action"), Member(item, "resource"), Member(item, "context"));

    // Absent and null are the same (the spec asks senders to omit nulls): a null subject is a missing subject.
    private static JsonElement? Member(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
