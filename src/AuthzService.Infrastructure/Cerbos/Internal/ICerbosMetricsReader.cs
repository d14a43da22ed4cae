namespace AuthzService.Infrastructure.Cerbos.Internal;

/// <summary>Cerbos's metrics text; a seam so the watcher can be tested without a Cerbos.</summary>
internal interface ICerbosMetricsReader
{
    /// <exception cref="HttpRequestException">Cerbos could not be reached or did not answer 200.</exception>
    Task<string> ReadAsync(CancellationToken cancellationToken);
}
