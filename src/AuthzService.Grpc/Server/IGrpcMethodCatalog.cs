namespace AuthzService.Grpc.Server;

/// <summary>
/// The methods the server serves, by <c>:path</c>. For layers in front of the dispatcher that must tell a real
/// method from a caller-chosen path (metric tags, span names) without trusting the path itself.
/// </summary>
public interface IGrpcMethodCatalog
{
    /// <summary>
    /// The method's name, <c>package.Service/Method</c>, when <paramref name="path"/> (<c>/package.Service/Method</c>,
    /// matched exactly) is a registered method; otherwise null. Returns the same string instance on every call.
    /// </summary>
    string? NameOf(string path);
}
