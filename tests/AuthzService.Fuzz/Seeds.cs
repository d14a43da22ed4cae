using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AuthzService.Contracts.V1;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using AuthzService.Fuzz.Targets;
using AuthzService.Infrastructure.Caching;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AuthzService.Fuzz;

/// <summary>
/// Writes the seed inputs of every target (<c>AuthzService.Fuzz seed DIR</c>): small, valid examples of each format
/// and a few near misses, so that mutations start from the shapes the parsers accept. The committed corpus was
/// made with it (certificates and keys are new each time); crash inputs found later are added beside them by hand.
/// </summary>
internal static class Seeds
{
    public static void Write(string root)
    {
        var token = new ConsistencyToken("acme", "alice", 3, 9, 2).Encode();
        var jwt = Jwt("""{"sub":"alice","tenant_id":"acme","exp":4102444800}""");

        Put(root, "check-resources", "minimal.bin", Check(r => { }));
        Put(root, "check-resources", "attributes.bin", Check(r =>
        {
            r.RequestId = "req-1";
            r.TeamId = "team-a";
            r.IncludeMeta = true;
            r.PrincipalContext["mfa"] = Value.ForBool(true);
            r.Resources[0].Resource.Attr["owner"] = Value.ForString("alice");
            r.Resources[0].Resource.Attr["tags"] = Value.ForList(Value.ForString("x"), Value.ForNumber(1.5), Value.ForNull());
            r.Resources[0].Resource.Attr["nested"] = Value.ForStruct(new Struct { Fields = { ["a"] = Value.ForStruct(new Struct { Fields = { ["b"] = Value.ForNumber(-0.0) } }) } });
            r.Resources[0].Resource.PolicyVersion = "v1_2";
            r.Resources.Add(new ResourceEntry { Resource = new Resource { Kind = "folder", Id = "f/1:ünï" }, Actions = { "view", "update" } });
        }));
        Put(root, "check-resources", "token.bin", Check(r => r.Consistency = new Consistency { AtLeastAsFresh = token }));
        Put(root, "check-resources", "fully-consistent.bin", Check(r => r.Consistency = new Consistency { FullyConsistent = true }));
        Put(root, "check-resources", "aux-jwt.bin", Check(r => r.AuxData = new AuxData { Jwt = jwt, KeySetId = "idp" }));
        Put(root, "check-resources", "no-resources.bin", new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice" }.ToByteArray());

        Put(root, "authzen-evaluation", "evaluation.json", """
            {"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme","team_id":"team-a","mfa":true}},
             "action":{"name":"view"},"resource":{"type":"document","id":"doc-1","properties":{"owner":"alice","size":3,"tags":["a"],"meta":{"x":null}}},
             "context":{"time":"2026-12-08T00:00:00Z"}}
            """);
        Put(root, "authzen-evaluation", "evaluations.json", """
            {"subject":{"type":"user","id":"alice","properties":{"tenant_id":"acme"}},"action":{"name":"view"},
             "options":{"evaluations_semantic":"deny_on_first_deny"},
             "evaluations":[{"resource":{"type":"document","id":"doc-1"}},{"action":{"name":"delete"},"resource":{"type":"document","id":"doc-2"}},
                            {"subject":{"type":"user","id":"bob","properties":{"tenant_id":"globex"}},"resource":{"type":"folder","id":"f-1"}}]}
            """);
        Put(root, "authzen-evaluation", "path-tenant.json", """
            {"subject":{"type":"user","id":"alice"},"action":{"name":"view"},"resource":{"type":"document","id":"doc-1"}}
            """);
        Put(root, "authzen-evaluation", "wrong-types.json", """
            {"subject":"alice","action":{"name":1},"resource":{"type":"document","id":["x"],"properties":[]},"evaluations":{},"options":{"evaluations_semantic":"all"}}
            """);

        Put(root, "consistency-token", "token.txt", token);
        Put(root, "consistency-token", "fields.txt", "acme\nalice\n3\n9\n2");
        Put(root, "consistency-token", "unicode.txt", new ConsistencyToken("tënant-ü", "user:1/ä", long.MaxValue, 0, 17).Encode());

        Put(root, "jwt-tenant-claim", "token.txt", jwt);
        Put(root, "jwt-tenant-claim", "payload.json", """{"sub":"alice","tenant_id":"acme","tid":"acme","org":"acme","exp":4102444800}""");
        Put(root, "jwt-tenant-claim", "other-tenant.json", """{"sub":"alice","org_id":"globex","organization_id":{"id":"acme"}}""");
        Put(root, "jwt-tenant-claim", "no-claim.json", """{"sub":"alice","aud":["authz"],"nbf":0}""");

        var entry = new CachedDecision(L2ValueTarget.KeyName, "acme", 3, "alice", 9, 2, "rev-1", new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new ResourceDecision("document", "doc-1",
                new Dictionary<string, Core.Decisions.Effect> { ["view"] = Core.Decisions.Effect.Allow, ["delete"] = Core.Decisions.Effect.Deny },
                new Dictionary<string, ActionMatch> { ["view"] = new("resource.document.vdefault", "acme") },
                ["owner"], [new ValidationIssue("/owner", "expected string", "SOURCE_RESOURCE")])
            { CallId = "call-1" });
        var payload = CachedDecisionSerializer.Serialize(entry);
        Put(root, "l2-value", "signed.bin", L2ValueTarget.Signer.Sign(L2ValueTarget.KeyName, payload));
        Put(root, "l2-value", "payload.bin", payload);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=fuzz-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(20));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = new CertificateRequest("CN=authz.local", leafKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10), [1, 2, 3]);
        using var rsa = RSA.Create(2048);
        using var rsaLeaf = new CertificateRequest("CN=rsa.local", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        Put(root, "pem", "ca-bundle.pem", ca.ExportCertificatePem() + "\n");
        Put(root, "pem", "ec-chain-and-key.pem", leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n" + leafKey.ExportPkcs8PrivateKeyPem() + "\n");
        Put(root, "pem", "rsa-cert-and-key.pem", rsaLeaf.ExportCertificatePem() + "\n" + rsa.ExportRSAPrivateKeyPem() + "\n");
        Put(root, "pem", "key-only.pem", leafKey.ExportECPrivateKeyPem() + "\n");
    }

    private static byte[] Check(Action<CheckResourcesRequest> shape)
    {
        var request = new CheckResourcesRequest { TenantId = "acme", PrincipalId = "alice" };
        request.Resources.Add(new ResourceEntry { Resource = new Resource { Kind = "document", Id = "doc-1" }, Actions = { "view" } });
        shape(request);
        return request.ToByteArray();
    }

    private static string Jwt(string payload) =>
        "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + ".c2lnbmF0dXJl";

    private static void Put(string root, string target, string name, string text) => Put(root, target, name, Encoding.UTF8.GetBytes(text));

    private static void Put(string root, string target, string name, byte[] bytes)
    {
        var directory = Path.Combine(root, target);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, name), bytes);
    }
}
