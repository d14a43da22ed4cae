using System.CommandLine;
using AuthzService.Contracts;
using AuthzService.Contracts.V1;
using AuthzService.Ctl.Cli;
using Google.Protobuf;

namespace AuthzService.Ctl.Commands;

/// <summary>The inputs of a check (shared by check and explain): principal, resources, actions, or a JSON request file.</summary>
internal sealed class CheckInputOptions
{
    public PrincipalOptions Principal { get; } = new();

    public Option<string[]> Resource { get; } = new("--resource", "-r")
    {
        Description = "Resource as kind:id (repeatable; --attr and --action apply to every one), e.g. document:doc-1",
    };

    public Option<string[]> Attr { get; } = new("--attr")
    {
        Description = "Resource attribute, key=value or key:=json (repeatable), e.g. tenant_id=acme",
    };

    public Option<string[]> Action { get; } = new("--action", "-a")
    {
        Description = "Action to decide (repeatable or comma-separated), e.g. read,delete",
    };

    public Option<string?> Request { get; } = new("--request")
    {
        Description = "CheckResourcesRequest as protobuf JSON from a file ('-' = stdin), for resources with different attributes; flags given as well override its fields",
    };

    public Option<bool> Fresh { get; } = new("--fresh") { Description = "Bypass every cache and ask Cerbos (fully consistent)" };

    public Option<string?> RequestId { get; } = new("--request-id") { Description = "Request id, echoed back and written to the audit trail" };

    public void AddTo(Command command)
    {
        Principal.AddTo(command);
        command.Options.Add(Resource);
        command.Options.Add(Attr);
        command.Options.Add(Action);
        command.Options.Add(Request);
        command.Options.Add(Fresh);
        command.Options.Add(RequestId);
    }

    public async Task<CheckResourcesRequest> BuildAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var request = ctx.Get(Request) is { } path
            ? JsonParser.Default.Parse<CheckResourcesRequest>(await ReadAsync(path, cancellationToken))
            : new CheckResourcesRequest();
        Principal.Apply(ctx, t => request.TenantId = t, p => request.PrincipalId = p, t => request.TeamId = t, request.PrincipalContext);
        var attributes = KeyValueParser.Parse(ctx.Get(Attr), "--attr");
        var actions = KeyValueParser.SplitList(ctx.Get(Action));
        foreach (var text in ctx.Get(Resource) ?? [])
        {
            var (kind, id) = KeyValueParser.ParseResource(text);
            var resource = new Resource { Kind = kind, Id = id };
            ProtoValues.CopyTo(attributes, resource.Attr);
            request.Resources.Add(new ResourceEntry { Resource = resource, Actions = { actions } });
        }

        if (ctx.Get(Fresh))
        {
            request.Consistency = new Consistency { FullyConsistent = true };
        }

        request.RequestId = ctx.Get(RequestId) ?? (request.RequestId.Length > 0 ? request.RequestId : $"authzctl-{Guid.NewGuid():N}");
        PrincipalOptions.Require(request.TenantId, "--tenant");
        PrincipalOptions.Require(request.PrincipalId, "--principal");
        if (request.Resources.Count == 0)
        {
            throw new UsageException("--resource is required (or --request with resources).");
        }

        if (request.Resources.Any(r => r.Actions.Count == 0))
        {
            throw new UsageException("--action is required: name at least one action to decide.");
        }

        return request;
    }

    private static async Task<string> ReadAsync(string path, CancellationToken cancellationToken) =>
        path == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await File.ReadAllTextAsync(path, cancellationToken);
}
