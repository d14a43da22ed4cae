using System.Globalization;
using AuthzService.Api.Tests.Validation;
using AuthzService.Api.Validation;
using AuthzService.Contracts.V1;
using CsCheck;
using Grpc.Core;

namespace AuthzService.Api.Tests.Properties;

/// <summary>
/// The validators accept exactly the documented id grammar (docs/api.md: ids are 1-128 UTF-16 code units,
/// not white space only, with no control characters, no format characters and no line or paragraph
/// separators; spaces, '=', quotes and other visible Unicode are fine), in every id field of a check, and a
/// refusal names the field. This test found that a blank id was refused in some fields ("is required") and
/// accepted in others (team_id, request_id, actions).
/// The oracle below is written from that sentence, with .NET's per-position Unicode category (a surrogate
/// pair read as one character), not with the validators' rule.
/// </summary>
[TestClass]
public sealed class IdGrammarProperties
{
    private static readonly CheckResourcesRequestValidator Validator = new();

    // Visible pieces (some outside the BMP, some combining) and invisible ones of every refused category,
    // including a format character outside the BMP (a tag character) and look-alike spaces that are allowed.
    private static readonly string[] Pieces =
    [
        "a", "Z", "7", ":", "/", "%", "=", "\"", "'", " ", "\u00A0", "\u3000", "ü", "中", "\u0301", "😀", "\U0001D11E",
        "\n", "\t", "\0", "\u007F", "\u0085", "\u00AD", "\u200B", "\u200D", "\u202A", "\u202E", "\u2066", "\u2069",
        "\u2028", "\u2029", "\uFEFF", "\U000E0041", "\u061C",
    ];

    private static readonly Gen<string> Candidate = Gen.Frequency(
        (4, Gen.Frequency((12, Gen.OneOf(Pieces[..17])), (1, Gen.OneOf(Pieces[17..]))).Array[0, 20].Select(p => string.Concat(p))),
        // Around the length limit, counted in UTF-16 code units: 'a' runs with an optional wide character.
        (1, Gen.Select(Gen.Int[120, 130], Gen.OneOf("", "😀", "ü", "\u200B"), (n, tail) => new string('a', n) + tail)));

    private static readonly (string Field, bool Optional, Action<CheckResourcesRequest, string> Set)[] Fields =
    [
        ("tenant_id", false, (r, v) => r.TenantId = v),
        ("principal_id", false, (r, v) => r.PrincipalId = v),
        ("team_id", true, (r, v) => r.TeamId = v),
        ("request_id", true, (r, v) => r.RequestId = v),
        ("resource.kind", false, (r, v) => r.Resources[0].Resource.Kind = v),
        ("resource.id", false, (r, v) => r.Resources[0].Resource.Id = v),
        ("actions", false, (r, v) => r.Resources[0].Actions[0] = v),
    ];

    [TestMethod]
    public void CheckResources_EachIdField_AcceptsExactlyTheDocumentedGrammar()
    {
        var accepted = 0;
        var refused = 0;
        Gen.Select(Candidate, Gen.Int[0, Fields.Length - 1]).Sample(
            (value, field) =>
            {
                var (name, optional, set) = Fields[field];
                var request = CheckResourcesRequestValidatorTests.Valid();
                if (name == "actions" && request.Resources[0].Actions.Contains(value))
                {
                    return true; // a duplicate action is refused for another reason
                }

                set(request, value);
                var expected = (optional && value.Length == 0) || Documented(value);
                try
                {
                    Validator.ThrowIfInvalid(request);
                    Interlocked.Increment(ref accepted);
                    return expected;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
                {
                    Interlocked.Increment(ref refused);
                    return !expected && ex.Status.Detail.Contains(name, StringComparison.Ordinal);
                }
            },
            iter: 20_000,
            print: t => $"{Fields[t.Item2].Field} = \"{Escape(t.Item1)}\" (length {t.Item1.Length})");

        Assert.IsGreaterThan(1000, accepted, $"accepted: {accepted}");
        Assert.IsGreaterThan(1000, refused, $"refused: {refused}");
    }

    private static bool Documented(string value)
    {
        if (value.Length is < 1 or > 128 || value.All(char.IsWhiteSpace))
        {
            return false;
        }

        for (var i = 0; i < value.Length; i += char.IsSurrogatePair(value, i) ? 2 : 1)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(value, i) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }
        }

        return true;
    }

    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
