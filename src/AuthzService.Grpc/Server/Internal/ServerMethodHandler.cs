namespace AuthzService.Grpc.Server.Internal;

/// <summary>One entry of the method table: reads the request, runs the handler, writes the response.</summary>
internal abstract class ServerMethodHandler
{
    protected ServerMethodHandler(string serviceName, string methodName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        ServiceName = serviceName;
        MethodName = methodName;
        FullName = serviceName + "/" + methodName;
        Path = "/" + FullName;
    }

    public string ServiceName { get; }

    public string MethodName { get; }

    /// <summary><c>package.Service/Method</c>.</summary>
    public string FullName { get; }

    /// <summary>The <c>:path</c> this method answers, <c>/package.Service/Method</c>.</summary>
    public string Path { get; }

    /// <summary>Runs the call to the point where only the status remains to be sent.</summary>
    public abstract Task HandleCallAsync(HttpContextServerCallContext call);
}
