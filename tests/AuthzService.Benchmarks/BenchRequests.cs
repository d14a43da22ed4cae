using System.Buffers.Binary;
using AuthzService.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using CerbosEngine = Cerbos.Api.V1.Engine;
using CerbosRequest = Cerbos.Api.V1.Request;

namespace AuthzService.Benchmarks;

/// <summary>The requests of `make bench`: one viewer reading one document, through the service or straight to Cerbos.</summary>
internal static class BenchRequests
{
    public const string Tenant = "bench";
    public const string Principal = "bench-user";

    public static CheckResourcesRequest Service(string documentId, bool fullyConsistent)
    {
        var resource = new Resource { Kind = "document", Id = documentId };
        resource.Attr["tenant_id"] = Value.ForString(Tenant);
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        var request = new CheckResourcesRequest
        {
            RequestId = "bench",
            TenantId = Tenant,
            PrincipalId = Principal,
            Resources = { new ResourceEntry { Resource = resource, Actions = { "read" } } },
        };
        if (fullyConsistent)
        {
            request.Consistency = new Consistency { FullyConsistent = true };
        }

        return request;
    }

    /// <summary>What the service sends Cerbos for <see cref="Service"/> (the principal as the builder makes it).</summary>
    public static CerbosRequest.CheckResourcesRequest Cerbos(string documentId)
    {
        var principal = new CerbosEngine.Principal { Id = Principal, Roles = { "viewer" } };
        principal.Attr["tenant_id"] = Value.ForString(Tenant);
        principal.Attr["tenant_tier"] = Value.ForString("pro");
        principal.Attr["tenant_status"] = Value.ForString("active");
        principal.Attr["context"] = Value.ForStruct(new Struct());
        var resource = new CerbosEngine.Resource { Kind = "document", Id = documentId };
        resource.Attr["tenant_id"] = Value.ForString(Tenant);
        resource.Attr["owner_id"] = Value.ForString("someone-else");
        return new CerbosRequest.CheckResourcesRequest
        {
            RequestId = "bench",
            IncludeMeta = true,
            Principal = principal,
            Resources = { new CerbosRequest.CheckResourcesRequest.Types.ResourceEntry { Resource = resource, Actions = { "read" } } },
        };
    }

    /// <summary>One length-prefixed gRPC message, the body h2load sends.</summary>
    public static byte[] Framed(IMessage message)
    {
        var bytes = message.ToByteArray();
        var framed = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(framed.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(framed, 5);
        return framed;
    }
}
