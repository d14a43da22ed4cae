using AuthzService.Contracts.V1;

namespace AuthzService.Client;

/// <summary>The answer to a check: one <see cref="ResourceCheckResult"/> per requested resource, in request order.</summary>
public sealed class CheckResult
{
    /// <summary>Wraps a response received from <see cref="AuthzClient.CheckResourcesAsync"/>.</summary>
    public CheckResult(CheckResourcesResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Response = response;
        Results = [.. response.Results.Select(r => new ResourceCheckResult(r))];
    }

    /// <summary>The request id the service echoed back.</summary>
    public string RequestId => Response.RequestId;

    /// <summary>One result per requested resource, in request order.</summary>
    public IReadOnlyList<ResourceCheckResult> Results { get; }

    /// <summary>The principal as built and the scope used; null unless the check asked for meta.</summary>
    public CheckMeta? Meta => Response.Meta;

    /// <summary>The response as it came over the wire.</summary>
    public CheckResourcesResponse Response { get; }

    /// <summary>Whether every action on every resource is allowed (false for an empty result).</summary>
    public bool AllAllowed => Results.Count > 0 && Results.All(r => r.AllAllowed);

    /// <summary>
    /// Whether <paramref name="action"/> on the resource is allowed. False when the resource or action
    /// was not in the check; when the same resource appears more than once, every occurrence must allow it.
    /// </summary>
    public bool IsAllowed(string kind, string id, string action)
    {
        var found = false;
        foreach (var result in Results)
        {
            if (result.Kind == kind && result.Id == id && result.Actions.ContainsKey(action))
            {
                found = true;
                if (!result.IsAllowed(action))
                {
                    return false;
                }
            }
        }

        return found;
    }
}
