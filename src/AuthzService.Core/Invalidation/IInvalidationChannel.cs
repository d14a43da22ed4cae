namespace AuthzService.Core.Invalidation;

/// <summary>Whether change notifications are currently being received (the LISTEN connection is up).</summary>
public interface IInvalidationChannel
{
    /// <summary>
    /// False while notifications may be missed: caches that rely on them must then bound the lifetime of
    /// their entries (<c>Cache:DegradedPrincipalTtl</c>).
    /// </summary>
    bool IsListening { get; }
}
