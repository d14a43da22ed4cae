using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace AuthzService.Api.Tests.Serving;

internal sealed class TestEnvironment(string name) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = name;
    public string ApplicationName { get; set; } = "test";
    public string ContentRootPath { get; set; } = "/";
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
