using Google.Protobuf;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>
/// What every method kind shares: parsing its one request message and running user code on a service
/// instance that is activated for the call and released after it.
/// </summary>
internal abstract class ServiceMethodHandler<TService, TRequest> : ServerMethodHandler
    where TService : class
    where TRequest : IMessage<TRequest>
{
    private readonly MessageParser<TRequest> _parser;
    private readonly ServiceActivator<TService> _activator;

    protected ServiceMethodHandler(string serviceName, string methodName, MessageParser<TRequest> parser, ServiceActivator<TService> activator)
        : base(serviceName, methodName)
    {
        _parser = parser;
        _activator = activator;
    }

    /// <summary>The whole request is read and validated first: a bad request never reaches the handler.</summary>
    protected Task<TRequest> ReadRequestAsync(HttpContextServerCallContext call) => call.ReadSingleRequestAsync(_parser);

    protected async Task<T> OnServiceAsync<T>(HttpContextServerCallContext call, Func<TService, Task<T>> run)
    {
        var (service, created) = _activator.Activate(call.HttpContext);
        try
        {
            return await run(service);
        }
        finally
        {
            await ServiceActivator<TService>.ReleaseAsync(service, created);
        }
    }
}
