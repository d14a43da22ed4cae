using System.Security.Cryptography.X509Certificates;
using AuthzService.Grpc.Client;
using Microsoft.Extensions.Logging;

namespace AuthzService.Client.Internal;

/// <summary>Turns validated <see cref="AuthzClientOptions"/> into a <see cref="GrpcChannel"/>.</summary>
internal static class ChannelFactory
{
    public static GrpcChannel Create(AuthzClientOptions options, ILoggerFactory? loggerFactory)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid AuthzClient options: " + string.Join(" ", errors), nameof(options));
        }

        var channelOptions = new GrpcChannelOptions
        {
            TrustedCaCertificates = options.TrustedCaCertificates
                ?? (string.IsNullOrWhiteSpace(options.CaCertificatePath) ? null : LoadCertificates(options.CaCertificatePath)),
            ClientCertificate = options.ClientCertificate
                ?? (string.IsNullOrWhiteSpace(options.ClientCertificatePath)
                    ? null
                    : LoadClientCertificate(options.ClientCertificatePath, options.ClientKeyPath!)),
            VerifyServerCertificate = options.VerifyServerCertificate,
            RetryPolicy = options.RetryAttempts > 1 ? new RetryPolicy { MaxAttempts = options.RetryAttempts } : null,
            LoggerFactory = loggerFactory,
        };
        return GrpcChannel.ForAddress(new Uri(options.Address!, UriKind.Absolute), channelOptions);
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates.Count > 0 ? certificates : throw new InvalidDataException($"'{path}' holds no PEM certificate.");
    }

    private static X509Certificate2 LoadClientCertificate(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // On Linux, SslStream cannot present a key that only lives in an ephemeral PEM import; a PKCS#12
        // round trip gives it a key it can use for the handshake.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
