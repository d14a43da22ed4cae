namespace AuthzService.Client;

/// <summary>A resource as policies see it: kind, id and attributes (<c>tenant_id</c>, <c>owner_id</c>, ...).</summary>
/// <param name="Kind">The resource kind, e.g. <c>document</c>.</param>
/// <param name="Id">The resource instance id.</param>
public sealed record AuthzResource(string Kind, string Id)
{
    /// <summary>Resource attributes (R.attr). Values: null, bool, numbers, strings, lists and string-keyed maps of those.</summary>
    public IReadOnlyDictionary<string, object?>? Attributes { get; init; }

    /// <summary>The policy version to evaluate; null means <c>default</c>.</summary>
    public string? PolicyVersion { get; init; }
}
