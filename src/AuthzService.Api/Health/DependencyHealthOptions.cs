namespace AuthzService.Api.Health;

/// <summary>How often required dependencies are probed (section <c>Health</c>).</summary>
public sealed class DependencyHealthOptions
{
    public const string SectionName = "Health";

    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
