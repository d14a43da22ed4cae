using AuthzService.Grpc.Internal;

namespace AuthzService.Grpc.Tests.Unit;

[TestClass]
public sealed class PercentEncodingTests
{
    [TestMethod]
    [DataRow("plain ascii message")]
    [DataRow("100% done")]
    [DataRow("%25 literal")]
    [DataRow("\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n")]
    [DataRow("日本語のメッセージ")]
    [DataRow("𝄞 music and 🧪")]
    [DataRow("")]
    public void EncodeThenDecode_AnyText_RoundTripsExactly(string text)
    {
        var encoded = PercentEncoding.Encode(text);

        Assert.IsTrue(encoded.All(c => c is >= (char)0x20 and <= (char)0x7E), encoded);
        Assert.AreEqual(text, PercentEncoding.Decode(encoded));
    }

    [TestMethod]
    [DataRow("a%b", "a%25b")]
    [DataRow("é", "%C3%A9")]
    [DataRow("😈", "%F0%9F%98%88")]
    [DataRow("line\n", "line%0A")]
    [DataRow("~ !", "~ !")]
    public void Encode_SpecialCharacters_UsesUpperCaseEscapes(string text, string expected)
    {
        Assert.AreEqual(expected, PercentEncoding.Encode(text));
    }

    [TestMethod]
    [DataRow("%zz", "%zz")]
    [DataRow("50%", "50%")]
    [DataRow("%4", "%4")]
    [DataRow("%e2%9c%93", "✓")]
    public void Decode_MalformedOrLowerCaseEscapes_DecodesLeniently(string wire, string expected)
    {
        Assert.AreEqual(expected, PercentEncoding.Decode(wire));
    }

    [TestMethod]
    public void Decode_RawNonBmpCharacter_KeepsIt()
    {
        Assert.AreEqual("%😈", PercentEncoding.Decode("%😈"));
    }
}
