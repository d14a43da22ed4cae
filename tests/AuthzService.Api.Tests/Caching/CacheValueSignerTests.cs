using System.Text;
using AuthzService.Infrastructure.Caching;

namespace AuthzService.Api.Tests.Caching;

[TestClass]
public sealed class CacheValueSignerTests
{
    private static readonly byte[] s_key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] s_otherKey = Enumerable.Range(100, 40).Select(i => (byte)i).ToArray();
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes("cd1|{\"an\":\"entry\"}");

    private static (CacheValueCheck Check, string Payload) Verify(CacheValueSigner signer, string keyName, byte[] value)
    {
        var check = signer.Verify(keyName, value, out var payload, out _);
        return (check, Encoding.UTF8.GetString(payload.Span));
    }

    [TestMethod]
    public void Verify_ValueSignedForTheSameKeyName_IsValidAndYieldsThePayload()
    {
        var signer = new CacheValueSigner(s_key);

        var value = signer.Sign("authz:cerbos:d2:k1", s_payload);

        Assert.AreEqual((CacheValueCheck.Valid, "cd1|{\"an\":\"entry\"}"), Verify(signer, "authz:cerbos:d2:k1", value));
    }

    [TestMethod]
    public void Verify_ValueMovedUnderAnotherKeyName_IsBadSignature()
    {
        var signer = new CacheValueSigner(s_key);
        var value = signer.Sign("authz:cerbos:d2:k1", s_payload);

        Assert.AreEqual(CacheValueCheck.BadSignature, Verify(signer, "authz:cerbos:d2:k2", value).Check);
        Assert.AreEqual(CacheValueCheck.BadSignature, Verify(signer, "authz:cerbos:d2:k1 ", value).Check);
    }

    [TestMethod]
    public void Verify_AnyFlippedBitOfMacOrPayload_IsBadSignature()
    {
        var signer = new CacheValueSigner(s_key);
        var value = signer.Sign("k", s_payload);

        for (var i = 5; i < value.Length; i++)
        {
            var altered = (byte[])value.Clone();
            altered[i] ^= 0x01;
            Assert.AreEqual(CacheValueCheck.BadSignature, Verify(signer, "k", altered).Check, $"byte {i}");
        }
    }

    [TestMethod]
    public void Verify_ChangedVersionOrKeyId_IsRefused()
    {
        var signer = new CacheValueSigner(s_key);
        var value = signer.Sign("k", s_payload);

        var version = (byte[])value.Clone();
        version[0] = 2;
        var keyId = (byte[])value.Clone();
        keyId[3] ^= 0x80;

        Assert.AreEqual(CacheValueCheck.NotSigned, Verify(signer, "k", version).Check);
        Assert.AreEqual(CacheValueCheck.UnknownKey, Verify(signer, "k", keyId).Check);
    }

    [TestMethod]
    public void Verify_UnsignedOrTruncatedValues_AreNotSigned()
    {
        var signer = new CacheValueSigner(s_key);
        var value = signer.Sign("k", s_payload);

        Assert.AreEqual(CacheValueCheck.NotSigned, Verify(signer, "k", s_payload).Check, "the unsigned format of earlier versions");
        Assert.AreEqual(CacheValueCheck.NotSigned, Verify(signer, "k", []).Check);
        Assert.AreEqual(CacheValueCheck.NotSigned, Verify(signer, "k", value[..36]).Check);
        Assert.AreEqual(CacheValueCheck.BadSignature, Verify(signer, "k", value[..^1]).Check);
    }

    [TestMethod]
    public void Verify_ValueOfAnotherKey_IsUnknownKeyNamingItsId()
    {
        var ours = new CacheValueSigner(s_key);
        var theirs = new CacheValueSigner(s_otherKey);

        var check = ours.Verify("k", theirs.Sign("k", s_payload), out var payload, out var keyId);

        Assert.AreEqual(CacheValueCheck.UnknownKey, check);
        Assert.IsTrue(payload.IsEmpty);
        Assert.AreEqual(theirs.CurrentKeyId, keyId);
        Assert.AreNotEqual(ours.CurrentKeyId, theirs.CurrentKeyId);
    }

    [TestMethod]
    public void Sign_WithPreviousKeyConfigured_WritesWithCurrentAndReadsBoth()
    {
        var before = new CacheValueSigner(s_otherKey);
        var rotated = new CacheValueSigner(s_key, [s_otherKey]);
        var after = new CacheValueSigner(s_key);

        var old = before.Sign("k", s_payload);
        var fresh = rotated.Sign("k", s_payload);

        Assert.AreEqual(CacheValueCheck.Valid, Verify(rotated, "k", old).Check);
        Assert.AreEqual(CacheValueCheck.UnknownKey, Verify(after, "k", old).Check);
        Assert.AreEqual(CacheValueCheck.Valid, Verify(after, "k", fresh).Check, "written with the current key");
        Assert.AreEqual(CacheValueCheck.UnknownKey, Verify(before, "k", fresh).Check);
        CollectionAssert.AreEqual(new[] { after.CurrentKeyId, before.CurrentKeyId }, rotated.AcceptedKeyIds.ToArray());
    }

    [TestMethod]
    public void KeyId_IsStableAndRevealsNoKeyBytes()
    {
        var id = new CacheValueSigner(s_key).CurrentKeyId;

        Assert.AreEqual(id, new CacheValueSigner(s_key).CurrentKeyId);
        Assert.HasCount(8, id);
        Assert.IsFalse(Convert.ToHexStringLower(s_key).Contains(id, StringComparison.Ordinal));
    }

    [TestMethod]
    public void Constructor_KeyShorterThan32Bytes_Throws()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new CacheValueSigner(new byte[31]));
        Assert.ThrowsExactly<ArgumentException>(() => new CacheValueSigner(s_key, [new byte[16]]));
    }

    [TestMethod]
    [DataRow(null, "is empty")]
    [DataRow("", "is empty")]
    [DataRow("not*base64", "is not valid base64")]
    [DataRow("AAAA", "must decode to at least 32 bytes (got 3)")]
    public void TryParseKey_Invalid_SaysWhy(string? text, string problem)
    {
        Assert.IsFalse(CacheValueSigner.TryParseKey(text, out var key, out var said));
        Assert.IsEmpty(key);
        StringAssert.StartsWith(said, problem);
    }

    [TestMethod]
    public void TryParseKey_Base64Of32Bytes_ReturnsTheBytes()
    {
        Assert.IsTrue(CacheValueSigner.TryParseKey(Convert.ToBase64String(s_key), out var key, out _));
        CollectionAssert.AreEqual(s_key, key);
    }
}
