namespace AuthzService.Grpc.Server.Internal;

internal static class GrpcServerConstants
{
    /// <summary>What we can decode, advertised in every response and in the UNIMPLEMENTED answer to other encodings.</summary>
    public const string SupportedEncodings = "identity,gzip";

    public const string UnimplementedServiceMessage = "Service is unimplemented.";
    public const string UnimplementedMethodMessage = "Method is unimplemented.";
}
