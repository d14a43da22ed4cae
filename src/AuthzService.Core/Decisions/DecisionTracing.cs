using System.Diagnostics;

namespace AuthzService.Core.Decisions;

/// <summary>
/// The spans of a decision, started where the decision is made (<see cref="DecisionService"/>), on the service's one
/// ActivitySource name (the host registers it; Cerbos calls add their own span underneath).
/// </summary>
public static class DecisionTracing
{
    /// <summary>The ActivitySource name every span of the service uses.</summary>
    public const string SourceName = "AuthzService";

    internal static readonly ActivitySource Source = new(SourceName);
}
