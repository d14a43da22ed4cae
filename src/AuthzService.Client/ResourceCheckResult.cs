using AuthzService.Contracts.V1;

namespace AuthzService.Client;

/// <summary>The decisions for one resource of a check.</summary>
public sealed class ResourceCheckResult
{
    internal ResourceCheckResult(ResourceResult result)
    {
        Raw = result;
        Actions = result.Actions.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
    }

    /// <summary>The resource kind.</summary>
    public string Kind => Raw.Resource?.Kind ?? string.Empty;

    /// <summary>The resource id.</summary>
    public string Id => Raw.Resource?.Id ?? string.Empty;

    /// <summary>Action to effect, for every requested action.</summary>
    public IReadOnlyDictionary<string, Effect> Actions { get; }

    /// <summary>Why AuthzService denied every action itself (cross-tenant, suspended or unknown tenant), or UNSPECIFIED.</summary>
    public DenyReason DenyReason => Raw.DenyReason;

    /// <summary>How the decisions were made; null unless the check asked for meta.</summary>
    public ResultMeta? Meta => Raw.Meta;

    /// <summary>The result as it came over the wire.</summary>
    public ResourceResult Raw { get; }

    /// <summary>Whether every requested action is allowed.</summary>
    public bool AllAllowed => Actions.Count > 0 && Actions.Values.All(e => e == Effect.Allow);

    /// <summary>True only for an explicit ALLOW; a missing action or any other effect is a deny.</summary>
    public bool IsAllowed(string action) => Actions.TryGetValue(action, out var effect) && effect == Effect.Allow;
}
