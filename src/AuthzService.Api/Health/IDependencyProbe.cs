namespace AuthzService.Api.Health;

/// <summary>A required dependency whose reachability decides whether we serve.</summary>
public interface IDependencyProbe
{
    string Name { get; }

    /// <summary>True when the dependency answered; exceptions count as down.</summary>
    Task<bool> ProbeAsync(CancellationToken cancellationToken);
}
