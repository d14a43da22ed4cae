using System.Collections.Concurrent;

namespace CallerService;

/// <summary>In-memory documents matching the demo tenants of <c>make run</c>.</summary>
public sealed class DocumentStore
{
    private readonly ConcurrentDictionary<string, Document> _documents = new(StringComparer.Ordinal)
    {
        ["doc-1"] = new("doc-1", "acme", "bob", "Acme roadmap"),
        ["doc-2"] = new("doc-2", "acme", "carol", "Acme onboarding"),
        ["doc-9"] = new("doc-9", "globex", "dave", "Globex budget"),
    };

    public Document? Find(string id) => _documents.TryGetValue(id, out var document) ? document : null;

    public IReadOnlyList<Document> InTenant(string tenantId) =>
        [.. _documents.Values.Where(d => d.TenantId == tenantId).OrderBy(d => d.Id, StringComparer.Ordinal)];

    public bool Remove(string id) => _documents.TryRemove(id, out _);
}
