using AuthzService.Core.Caching;
using CsCheck;

namespace AuthzService.Core.Tests.Properties;

/// <summary>
/// Consistency tokens round-trip, and the decoder accepts exactly what the encoder produces: every other
/// string, including every mutation of a real token, is refused or is the encoding of another token. A token
/// is a lower bound on state, not a secret (a forged one can only demand fresher state, which
/// <c>fully_consistent</c> already offers any caller); what must hold is that no two strings mean the same
/// token and no string means something its encoding does not say.
/// </summary>
[TestClass]
public sealed class ConsistencyTokenProperties
{
    private static readonly Gen<long> Version = Gen.Frequency((3, Gen.Long[0, 1000]), (1, Gen.Long[0, long.MaxValue]));

    private static readonly Gen<ConsistencyToken> Token = Gen.Select(
        PropertyGen.Id, PropertyGen.Id, Version, Version, Version,
        (tenant, principal, tv, pv, epoch) => new ConsistencyToken(tenant, principal, tv, pv, epoch));

    [TestMethod]
    public void Decode_OfEncode_GivesTheSameToken()
    {
        Token.Sample(
            token => ConsistencyToken.TryDecode(token.Encode(), out var decoded) && decoded == token,
            iter: PropertyGen.Iterations);
    }

    [TestMethod]
    public void Decode_OfAMutatedToken_RefusesItOrGivesATokenThatEncodesToExactlyThatText()
    {
        // Mutations: a character replaced, inserted or removed, a cut, a case flip; anywhere, the prefix included.
        var mutated = Gen.Select(Token, Gen.Int[0, 4], Gen.Int[0, 1000], Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "],
            (token, kind, at, c) => (token, Mutate(token.Encode(), kind, at, c)));
        mutated.Sample(
            (token, text) =>
            {
                if (text == token.Encode())
                {
                    return true;
                }

                return !ConsistencyToken.TryDecode(text, out var decoded) || (decoded != token && decoded!.Encode() == text);
            },
            iter: PropertyGen.Iterations,
            print: t => $"{t.Item1} mutated to \"{t.Item2}\"");
    }

    [TestMethod]
    public void Decode_OfHandWrittenPayloads_AcceptsOnlyTheCanonicalForm()
    {
        // What a caller could write by hand after base64url-decoding a token: numbers with leading zeros, a sign
        // or spaces, fields missing or extra, bytes that are not UTF-8. Each is either refused or re-encodes to
        // the same text (the canonical form).
        var payloads = Gen.Select(
            Gen.OneOf("acme", "", "a\nb"), Gen.OneOf("alice", ""), Gen.OneOf("7", "007", "+7", " 7", "7 ", "-7", "", "99999999999999999999", "٧"),
            Gen.Int[0, 3],
            (tenant, principal, number, shape) => shape switch
            {
                0 => System.Text.Encoding.UTF8.GetBytes($"{tenant}\n{principal}\n{number}\n1\n2"),
                1 => System.Text.Encoding.UTF8.GetBytes($"{tenant}\n{principal}\n{number}\n1"),
                2 => System.Text.Encoding.UTF8.GetBytes($"{tenant}\n{principal}\n{number}\n1\n2\n3"),
                _ => [.. System.Text.Encoding.UTF8.GetBytes($"{tenant}\n"), 0xC3, 0x28, .. System.Text.Encoding.UTF8.GetBytes($"\n{number}\n1\n2")],
            });
        payloads.Sample(
            bytes =>
            {
                var text = "ct1." + System.Buffers.Text.Base64Url.EncodeToString(bytes);
                return !ConsistencyToken.TryDecode(text, out var decoded) || decoded!.Encode() == text;
            },
            iter: 5_000,
            print: b => Convert.ToHexString(b));
    }

    private static string Mutate(string text, int kind, int at, char c)
    {
        var i = at % (text.Length + 1);
        return kind switch
        {
            0 when i < text.Length => text[..i] + c + text[(i + 1)..],
            1 => text[..i] + c + text[i..],
            2 when i < text.Length => text[..i] + text[(i + 1)..],
            3 => text[..i],
            _ when i < text.Length && char.IsLetter(text[i]) =>
                text[..i] + (char.IsUpper(text[i]) ? char.ToLowerInvariant(text[i]) : char.ToUpperInvariant(text[i])) + text[(i + 1)..],
            _ => text + c,
        };
    }
}
