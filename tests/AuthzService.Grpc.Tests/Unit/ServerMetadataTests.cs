using AuthzService.Grpc.Server.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class ServerMetadataTests
{
    [TestMethod]
    public void FromRequestHeaders_MixedHeaders_KeepsOnlyCustomMetadata()
    {
        var headers = new HeaderDictionary
        {
            ["content-type"] = "application/grpc",
            ["te"] = "trailers",
            ["grpc-timeout"] = "1S",
            ["grpc-accept-encoding"] = "gzip",
            ["x-tenant"] = "acme",
            ["x-ids-bin"] = new StringValues(["AQ==", "Ag,Aw"]),
        };

        var metadata = ServerMetadata.FromRequestHeaders(headers, "/p/m", NullLogger.Instance);

        Assert.AreEqual("acme", metadata.GetValue("x-tenant"));
        Assert.IsNull(metadata.GetValue("grpc-timeout"));
        Assert.IsNull(metadata.GetValue("te"));
        var ids = metadata.Where(e => e.Key == "x-ids-bin").Select(e => e.ValueBytes![0]).ToArray();
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, ids);
    }

    [TestMethod]
    public void FromRequestHeaders_InvalidBase64_IsIgnored()
    {
        var headers = new HeaderDictionary { ["x-bad-bin"] = "!!!" };

        var metadata = ServerMetadata.FromRequestHeaders(headers, "/p/m", NullLogger.Instance);

        Assert.AreEqual(0, metadata.Count);
    }

    [TestMethod]
    public void Write_ReservedAndNonAsciiEntries_AreDropped()
    {
        var metadata = new Metadata()
            .Add("grpc-status", "0")
            .Add("x-ok", "fine")
            .Add("x-accent", "café")
            .Add("x-data-bin", [0xab, 0xab, 0xab]);
        var written = new List<(string, string)>();

        ServerMetadata.Write(metadata, (k, v) => written.Add((k, v)), "/p/m", NullLogger.Instance);

        CollectionAssert.AreEqual(new[] { ("x-ok", "fine"), ("x-data-bin", "q6ur") }, written);
    }
}
