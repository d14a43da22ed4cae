using System.Diagnostics;

namespace AuthzService.Api.Telemetry;

/// <summary>The ActivitySource of the API layer (server span, handler, principal, decision lookup).</summary>
internal static class AuthzActivitySource
{
    public const string Name = AuthzService.Core.Decisions.DecisionTracing.SourceName;

    public static readonly ActivitySource Instance = new(Name);
}
