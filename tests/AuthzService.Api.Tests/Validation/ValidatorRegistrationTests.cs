using AuthzService.Api.Validation;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace AuthzService.Api.Tests.Validation;

[TestClass]
public sealed class ValidatorRegistrationTests
{
    /// <summary>Every concrete validator the Api assembly defines, with the message type it validates.</summary>
    private static List<(Type Validator, Type Service)> ValidatorTypes() =>
    [
        .. typeof(DependencyInjection).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false })
            .SelectMany(t => t.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>))
                .Select(i => (t, i))),
    ];

    private static ServiceProvider Provider() =>
        new ServiceCollection().AddRequestValidators().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [TestMethod]
    public void AddRequestValidators_EveryValidatorType_IsRegisteredOnceAndResolves()
    {
        var validators = ValidatorTypes();
        using var provider = Provider();

        // Ten request validators and the resource entry validator at least: the scan must not come back empty.
        Assert.IsGreaterThanOrEqualTo(11, validators.Count, string.Join(", ", validators.Select(v => v.Validator.Name)));
        foreach (var (validator, service) in validators)
        {
            var registered = provider.GetServices(service).ToList();
            Assert.HasCount(1, registered, $"{service} should be registered once, by {validator.Name}");
            Assert.IsInstanceOfType(registered[0], validator, service.ToString());
        }
    }

    [TestMethod]
    public void AddRequestValidators_Validators_AreStatelessSingletons()
    {
        using var provider = Provider();
        using var scope = provider.CreateScope();

        // Handlers are singletons and resolve validators from the root provider: a scoped validator would fail there.
        foreach (var (_, service) in ValidatorTypes())
        {
            Assert.AreSame(provider.GetRequiredService(service), scope.ServiceProvider.GetRequiredService(service), service.ToString());
        }
    }
}
