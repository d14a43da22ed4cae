using AuthzService.Contracts.V1;

namespace AuthzService.Ctl.Output;

/// <summary>Renders a check with meta for humans: the principal as built, the scope, and per action the policy that decided.</summary>
internal static class ExplainRenderer
{
    public static void Write(TextWriter w, Ansi ansi, CheckResourcesRequest request, CheckResourcesResponse response)
    {
        var principal = response.Meta?.Principal;
        w.WriteLine(ansi.Bold($"Principal {request.PrincipalId} in tenant {request.TenantId}" + (request.TeamId.Length > 0 ? $", team {request.TeamId}" : string.Empty)));
        if (principal is null)
        {
            w.WriteLine("  (the service returned no principal: was the check decided without building one?)");
        }
        else
        {
            w.WriteLine($"  roles:       {(principal.Roles.Count == 0 ? ansi.Yellow("(none: no membership in this tenant)") : string.Join(", ", principal.Roles))}");
            w.WriteLine($"  scope:       {Scope(response.Meta!.Scope.Length > 0 ? response.Meta.Scope : principal.Scope)}");
            w.WriteLine("  attributes:");
            foreach (var (key, value) in principal.Attr.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                w.WriteLine($"    {key} = {ProtoText.Value(value)}");
            }

            w.WriteLine($"  versions:    tenant {principal.TenantVersion}, principal {principal.PrincipalVersion}, policy epoch {principal.PolicyEpoch}");
        }

        foreach (var (entry, result) in request.Resources.Zip(response.Results))
        {
            w.WriteLine();
            w.WriteLine(ansi.Bold($"{result.Resource?.Kind}:{result.Resource?.Id}") + (result.Resource?.PolicyVersion is { Length: > 0 } v ? $" (policy version {v})" : string.Empty));
            var meta = result.Meta;
            w.WriteLine($"  source:      {(meta is null ? "unknown" : ProtoText.Source(meta.Source))}" + (meta?.CerbosCallId is { Length: > 0 } id ? $", Cerbos call {id}" : string.Empty));
            if (result.DenyReason != DenyReason.Unspecified)
            {
                w.WriteLine($"  denied by AuthzService: {ansi.Red(ProtoText.DenyReason(result.DenyReason))}");
            }

            if (meta is { EffectiveDerivedRoles.Count: > 0 })
            {
                w.WriteLine($"  derived roles: {string.Join(", ", meta.EffectiveDerivedRoles)}");
            }

            foreach (var error in result.ValidationErrors)
            {
                w.WriteLine($"  {ansi.Yellow("schema")}: {error.Source} {error.Path}: {error.Message}");
            }

            var table = new TableWriter("  ACTION", "EFFECT", "MATCHED POLICY", "SCOPE");
            foreach (var action in entry.Actions.Distinct())
            {
                var effect = result.Actions.TryGetValue(action, out var e) ? e : Effect.Unspecified;
                var how = meta is not null && meta.Actions.TryGetValue(action, out var m) ? m : null;
                table.AddRow("  " + action, ProtoText.Effect(effect, ansi), Or(how?.MatchedPolicy, result.DenyReason != DenyReason.Unspecified ? "(none: AuthzService denied)" : "(no rule matched: default deny)"), Scope(how?.MatchedScope ?? string.Empty));
            }

            table.WriteTo(w);
        }
    }

    private static string Scope(string scope) => scope.Length == 0 ? "(root)" : scope;

    private static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
