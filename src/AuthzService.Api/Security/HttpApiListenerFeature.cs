namespace AuthzService.Api.Security;

/// <summary>
/// Marks connections accepted on the AuthZEN HTTP listener (<c>Kestrel:Endpoints:Http</c>, set by a connection
/// middleware): the AuthZEN endpoints answer only there, and gRPC methods are refused there.
/// </summary>
internal sealed class HttpApiListenerFeature
{
    public static readonly HttpApiListenerFeature Instance = new();
}
