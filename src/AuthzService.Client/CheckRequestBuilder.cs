using AuthzService.Contracts;
using AuthzService.Contracts.V1;

namespace AuthzService.Client;

/// <summary>
/// Builds a multi-resource check that reads like the question it asks:
/// <code>
/// var result = await client.Check("acme", "alice").InTeam("red").WithContext("mfa", true)
///     .Resource("document", "doc-1", r => r.Attr("tenant_id", "acme").Attr("owner_id", "bob")).Actions("read", "delete")
///     .Resource("project", "p-7", r => r.Attr("tenant_id", "acme").Attr("owner_id", "alice")).Actions("update")
///     .ExecuteAsync(cancellationToken);
/// </code>
/// <see cref="Actions"/> applies to the resource added last.
/// </summary>
public sealed class CheckRequestBuilder
{
    private readonly AuthzClient? _client;
    private readonly CheckResourcesRequest _request;
    private ResourceEntry? _current;

    /// <summary>A builder not bound to a client: use <see cref="Build"/> to get the request.</summary>
    /// <param name="tenantId">The tenant the principal acts in.</param>
    /// <param name="principalId">The principal id.</param>
    public CheckRequestBuilder(string tenantId, string principalId)
        : this(null, tenantId, principalId)
    {
    }

    internal CheckRequestBuilder(AuthzClient? client, string tenantId, string principalId)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(principalId);
        _client = client;
        _request = new CheckResourcesRequest { TenantId = tenantId, PrincipalId = principalId };
    }

    /// <summary>Acts as a member of this team (team roles apply).</summary>
    public CheckRequestBuilder InTeam(string teamId)
    {
        ArgumentNullException.ThrowIfNull(teamId);
        _request.TeamId = teamId;
        return this;
    }

    /// <summary>Adds a request-time fact (e.g. <c>mfa</c>); policies see it as <c>P.attr.context.&lt;key&gt;</c>.</summary>
    public CheckRequestBuilder WithContext(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _request.PrincipalContext[key] = ProtoValues.FromObject(value);
        return this;
    }

    /// <summary>Sets the request id echoed back and written to the audit trail.</summary>
    public CheckRequestBuilder WithRequestId(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        _request.RequestId = requestId;
        return this;
    }

    /// <summary>Passes a JWT through to Cerbos (<c>request.aux_data.jwt</c>).</summary>
    public CheckRequestBuilder WithJwt(string jwt, string? keySetId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(jwt);
        _request.AuxData = new AuxData { Jwt = jwt, KeySetId = keySetId ?? string.Empty };
        return this;
    }

    /// <summary>Asks for how each decision was made: the principal as built, scope, matched policies, cache source.</summary>
    public CheckRequestBuilder IncludeMeta(bool include = true)
    {
        _request.IncludeMeta = include;
        return this;
    }

    /// <summary>Bypasses every cache and asks Cerbos (the fresh answer is still cached).</summary>
    public CheckRequestBuilder FullyConsistent()
    {
        _request.Consistency = new Consistency { FullyConsistent = true };
        return this;
    }

    /// <summary>Requires an answer that reflects at least the write that returned <paramref name="consistencyToken"/>.</summary>
    public CheckRequestBuilder AtLeastAsFresh(string consistencyToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consistencyToken);
        _request.Consistency = new Consistency { AtLeastAsFresh = consistencyToken };
        return this;
    }

    /// <summary>Adds a resource; follow with <see cref="Actions"/>.</summary>
    /// <param name="kind">The resource kind, e.g. <c>document</c>.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="configure">Sets attributes, e.g. <c>r =&gt; r.Attr("tenant_id", "acme")</c>.</param>
    public CheckRequestBuilder Resource(string kind, string id, Action<ResourceBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        var resource = new Resource { Kind = kind, Id = id };
        configure?.Invoke(new ResourceBuilder(resource));
        _current = new ResourceEntry { Resource = resource };
        _request.Resources.Add(_current);
        return this;
    }

    /// <summary>Adds a resource described by an <see cref="AuthzResource"/>; follow with <see cref="Actions"/>.</summary>
    public CheckRequestBuilder Resource(AuthzResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Resource(resource.Kind, resource.Id, r =>
        {
            if (resource.Attributes is { } attributes)
            {
                r.Attrs(attributes);
            }

            if (resource.PolicyVersion is { } version)
            {
                r.PolicyVersion(version);
            }
        });
    }

    /// <summary>The actions to decide on the resource added last.</summary>
    /// <exception cref="InvalidOperationException">No resource was added yet.</exception>
    public CheckRequestBuilder Actions(params string[] actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (_current is null)
        {
            throw new InvalidOperationException("Call Resource(...) before Actions(...): actions belong to the resource added last.");
        }

        foreach (var action in actions)
        {
            ArgumentException.ThrowIfNullOrEmpty(action, nameof(actions));
            _current.Actions.Add(action);
        }

        return this;
    }

    /// <summary>The request as built (a copy: later builder calls do not change it).</summary>
    public CheckResourcesRequest Build() => _request.Clone();

    /// <summary>Sends the check. Errors surface as <see cref="AuthzException"/> subtypes; use <see cref="AuthzClient.IsAllowedAsync(AuthzPrincipal, AuthzResource, string, CancellationToken)"/> to fail closed instead.</summary>
    /// <exception cref="InvalidOperationException">The builder was created without a client.</exception>
    public async Task<CheckResult> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        if (_client is null)
        {
            throw new InvalidOperationException("This builder has no client; create it with AuthzClient.Check(...) or send Build() yourself.");
        }

        var response = await _client.CheckResourcesAsync(Build(), cancellationToken).ConfigureAwait(false);
        return new CheckResult(response);
    }
}
