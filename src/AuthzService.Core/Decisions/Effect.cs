namespace AuthzService.Core.Decisions;

/// <summary>A decision. Only <see cref="Allow"/> permits; the default value denies.</summary>
public enum Effect
{
    Deny = 0,
    Allow = 1,
}
