using AuthzService.Contracts;
using AuthzService.Contracts.V1;

namespace AuthzService.Client;

/// <summary>Sets the attributes and policy version of one resource in a <see cref="CheckRequestBuilder"/>.</summary>
public sealed class ResourceBuilder
{
    private readonly Resource _resource;

    internal ResourceBuilder(Resource resource)
    {
        _resource = resource;
    }

    /// <summary>Sets one attribute (R.attr); a later value for the same key wins.</summary>
    /// <param name="key">The attribute name, e.g. <c>tenant_id</c>.</param>
    /// <param name="value">null, bool, a number, a string, or lists and string-keyed maps of those.</param>
    public ResourceBuilder Attr(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _resource.Attr[key] = ProtoValues.FromObject(value);
        return this;
    }

    /// <summary>Sets several attributes at once.</summary>
    public ResourceBuilder Attrs(IEnumerable<KeyValuePair<string, object?>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var (key, value) in attributes)
        {
            Attr(key, value);
        }

        return this;
    }

    /// <summary>Evaluates this resource against the given policy version instead of <c>default</c>.</summary>
    public ResourceBuilder PolicyVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        _resource.PolicyVersion = version;
        return this;
    }
}
