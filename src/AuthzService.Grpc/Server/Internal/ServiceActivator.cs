using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.Grpc.Server.Internal;

/// <summary>
/// Gets the service instance for one call: from DI when registered (DI then owns its lifetime),
/// otherwise created with its constructor dependencies and disposed after the call.
/// </summary>
internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory<TService> _factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);

    public (TService Service, bool Created) Activate(HttpContext httpContext)
    {
        var fromDi = httpContext.RequestServices.GetService<TService>();
        return fromDi is not null ? (fromDi, false) : (_factory(httpContext.RequestServices, null), true);
    }

    public static async ValueTask ReleaseAsync(TService service, bool created)
    {
        if (!created)
        {
            return;
        }

        if (service is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (service is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
