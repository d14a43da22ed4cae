using Microsoft.AspNetCore.Builder;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>The method table: <c>:path</c> to handler, matched exactly (paths are case-sensitive).</summary>
/// <remarks>Filled while services are mapped, before the server starts; only read afterwards.</remarks>
internal sealed class GrpcMethodRegistry : IGrpcMethodCatalog
{
    private readonly Dictionary<string, ServerMethodHandler> _methods = new(StringComparer.Ordinal);
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly HashSet<Type> _boundTypes = [];

    /// <summary>The catch-all endpoint, once mapped, so several Map calls share one endpoint.</summary>
    public IEndpointConventionBuilder? Endpoint { get; set; }

    public void Add(ServerMethodHandler method)
    {
        if (!_methods.TryAdd(method.Path, method))
        {
            throw new InvalidOperationException($"The gRPC method '{method.Path}' is already registered.");
        }

        _services.Add(method.ServiceName);
    }

    /// <summary>True the first time a service type is bound; binding twice would register its methods twice.</summary>
    public bool TryMarkBound(Type serviceType) => _boundTypes.Add(serviceType);

    public bool TryFind(string path, out ServerMethodHandler? method) => _methods.TryGetValue(path, out method);

    public string? NameOf(string path) => _methods.TryGetValue(path, out var method) ? method.FullName : null;

    /// <summary>Whether any method of the service in <c>/service/method</c> is registered.</summary>
    public bool HasServiceOf(string path)
    {
        var slash = path.IndexOf('/', 1);
        return slash > 1 && _services.Contains(path[1..slash]);
    }
}
