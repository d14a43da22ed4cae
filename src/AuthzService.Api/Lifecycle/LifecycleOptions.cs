namespace AuthzService.Api.Lifecycle;

/// <summary>Shutdown behaviour (section <c>Lifecycle</c>).</summary>
public sealed class LifecycleOptions
{
    public const string SectionName = "Lifecycle";

    /// <summary>
    /// How long calls in flight may take to finish after SIGTERM before connections are closed
    /// (the host's ShutdownTimeout). Keep it below the pod's terminationGracePeriodSeconds.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(25);
}
