namespace AuthzService.Core.Memberships;

/// <summary>The outcome of an idempotent directory write.</summary>
/// <param name="Changed">False when the store already held exactly this state.</param>
/// <param name="Version">
/// The principal version (membership writes) or tenant version (tenant writes) after the write;
/// a consistency token: a decision built at this version or later reflects the write.
/// </param>
/// <param name="Created">True when an upsert inserted a new row (false for updates and deletes).</param>
public sealed record WriteResult(bool Changed, long Version, bool Created = false);
