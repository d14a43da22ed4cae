using AuthzService.Client;
using CallerService;

// An example caller: a document API that asks AuthzService before every read or delete, and fails
// closed (403) whenever AuthzService says no or cannot answer.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthzClient(builder.Configuration);
builder.Services.AddSingleton<DocumentStore>();
var app = builder.Build();

app.MapGet("/documents/{id}", async (string id, HttpRequest request, DocumentStore store, AuthzClient authz, CancellationToken ct) =>
{
    if (CallerIdentity.From(request) is not { } caller)
    {
        return Results.Problem("Send X-Tenant-Id and X-User-Id.", statusCode: StatusCodes.Status401Unauthorized);
    }

    // Answer 404 only for documents of the caller's tenant, so ids of other tenants do not leak.
    if (store.Find(id) is not { } document || document.TenantId != caller.TenantId)
    {
        return Results.NotFound();
    }

    return await authz.IsAllowedAsync(caller, document.ToResource(), "read", ct)
        ? Results.Ok(document)
        : Results.Problem("Not allowed to read this document.", statusCode: StatusCodes.Status403Forbidden);
});

app.MapDelete("/documents/{id}", async (string id, HttpRequest request, DocumentStore store, AuthzClient authz, CancellationToken ct) =>
{
    if (CallerIdentity.From(request) is not { } caller)
    {
        return Results.Problem("Send X-Tenant-Id and X-User-Id.", statusCode: StatusCodes.Status401Unauthorized);
    }

    if (store.Find(id) is not { } document || document.TenantId != caller.TenantId)
    {
        return Results.NotFound();
    }

    if (!await authz.IsAllowedAsync(caller, document.ToResource(), "delete", ct))
    {
        return Results.Problem("Not allowed to delete this document.", statusCode: StatusCodes.Status403Forbidden);
    }

    store.Remove(id);
    return Results.NoContent();
});

// A list: one multi-resource check for the whole page, then keep what may be read. An error here
// propagates as 503 rather than showing an unfiltered list.
app.MapGet("/documents", async (HttpRequest request, DocumentStore store, AuthzClient authz, CancellationToken ct) =>
{
    if (CallerIdentity.From(request) is not { } caller)
    {
        return Results.Problem("Send X-Tenant-Id and X-User-Id.", statusCode: StatusCodes.Status401Unauthorized);
    }

    var documents = store.InTenant(caller.TenantId);
    if (documents.Count == 0)
    {
        return Results.Ok(documents);
    }

    var check = authz.Check(caller);
    foreach (var document in documents)
    {
        check.Resource(document.ToResource()).Actions("read");
    }

    try
    {
        var result = await check.ExecuteAsync(ct);
        return Results.Ok(documents.Where(d => result.IsAllowed("document", d.Id, "read")));
    }
    catch (AuthzException ex)
    {
        CallerLog.ListFailedClosed(app.Logger, ex.StatusCode, ex.Message);
        return Results.Problem("Authorization is unavailable; try again.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
});

await app.RunAsync();
