using AuthzService.Infrastructure.Cerbos;
using AuthzService.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthzService.IntegrationTests.Cerbos;

/// <summary>A <see cref="CerbosDecisionPoint"/> with its own channel, wired to a test Cerbos's PEM files.</summary>
internal sealed class CerbosAdapter : IDisposable
{
    public CerbosAdapter(CerbosServer server, Action<CerbosOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        Options = new CerbosOptions
        {
            Address = server.GrpcAddress,
            Tls = new CerbosTlsOptions
            {
                CaCertificate = server.CaCertPath,
                ClientCertificate = server.ClientCertPath,
                ClientKey = server.ClientKeyPath,
            },
            DefaultTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(Options);
        loggerFactory ??= NullLoggerFactory.Instance;
        Channels = new CerbosChannelFactory(Microsoft.Extensions.Options.Options.Create(Options), loggerFactory);
        DecisionPoint = new CerbosDecisionPoint(
            Channels, Microsoft.Extensions.Options.Options.Create(Options), loggerFactory.CreateLogger<CerbosDecisionPoint>());
    }

    public CerbosOptions Options { get; }

    public CerbosChannelFactory Channels { get; }

    public CerbosDecisionPoint DecisionPoint { get; }

    public void Dispose() => Channels.Dispose();
}
