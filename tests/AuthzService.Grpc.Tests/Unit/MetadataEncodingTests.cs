using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class MetadataEncodingTests
{
    [TestMethod]
    [DataRow("AAEC/w==")]
    [DataRow("AAEC/w")]
    [DataRow(" AAEC/w ")]
    public void DecodeBinary_PaddedOrUnpadded_Decodes(string value)
    {
        CollectionAssert.AreEqual(new byte[] { 0, 1, 2, 255 }, MetadataEncoding.DecodeBinary(value));
    }

    [TestMethod]
    [DataRow(new byte[] { 0xab, 0xab, 0xab }, "q6ur")]
    [DataRow(new byte[] { 0, 1, 2, 255 }, "AAEC/w")]
    [DataRow(new byte[] { 1 }, "AQ")]
    public void EncodeBinary_AnyBytes_EmitsUnpadded(byte[] value, string expected)
    {
        Assert.AreEqual(expected, MetadataEncoding.EncodeBinary(value));
    }

    [TestMethod]
    [DataRow("AAECA")]
    [DataRow("!!!!")]
    public void DecodeBinary_Invalid_ThrowsFormatException(string value)
    {
        Assert.Throws<FormatException>(() => MetadataEncoding.DecodeBinary(value));
    }

    [TestMethod]
    [DataRow("x-tenant", true)]
    [DataRow("a.b_c-9", true)]
    [DataRow("X-Upper", false)]
    [DataRow("with space", false)]
    [DataRow("", false)]
    public void IsValidKey_Name_FollowsAllowedCharacters(string key, bool expected)
    {
        Assert.AreEqual(expected, MetadataEncoding.IsValidKey(key));
    }

    [TestMethod]
    [DataRow("grpc-status", true)]
    [DataRow(":path", true)]
    [DataRow("x-grpc-test", false)]
    public void IsReservedKey_Name_DetectsProtocolKeys(string key, bool expected)
    {
        Assert.AreEqual(expected, MetadataEncoding.IsReservedKey(key));
    }
}
