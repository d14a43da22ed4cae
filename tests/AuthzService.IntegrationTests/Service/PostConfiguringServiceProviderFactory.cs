using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.IntegrationTests.Service;

/// <summary>
/// The default container, with one last change to the service collection: the host calls the factory when
/// it is built, after <c>AuthzHost</c> has registered everything, so a test can decorate what production registered.
/// </summary>
internal sealed class PostConfiguringServiceProviderFactory(Action<IServiceCollection> configure) : IServiceProviderFactory<IServiceCollection>
{
    private readonly DefaultServiceProviderFactory _inner = new(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        configure(services);
        return _inner.CreateBuilder(services);
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => _inner.CreateServiceProvider(containerBuilder);
}
