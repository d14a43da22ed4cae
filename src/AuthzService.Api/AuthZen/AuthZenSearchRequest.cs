using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AuthzService.Api.AuthZen;

/// <summary>
/// What the search endpoints share: the body read and judged by the same rules as an evaluation (with the searched
/// field filled by a placeholder), the spec's paging (<c>page.token</c>, <c>page.limit</c>) and a <c>next_token</c>
/// bound to the request, so a token cannot be replayed against a changed search (the spec asks PDPs to refuse that).
/// </summary>
internal sealed class AuthZenSearchRequest : IDisposable
{
    private readonly JsonDocument _body;

    private AuthZenSearchRequest(JsonDocument body, AuthZenEvaluation evaluation, AuthZenDecisionRequest probe, int limit, string? token, string fingerprint)
    {
        _body = body;
        Evaluation = evaluation;
        Probe = probe;
        Limit = limit;
        Token = token;
        Fingerprint = fingerprint;
    }

    public AuthZenEvaluation Evaluation { get; }

    /// <summary>The request as an evaluation of the placeholder candidate: judged valid, tenant resolved.</summary>
    public AuthZenDecisionRequest Probe { get; }

    /// <summary><c>page.limit</c> as sent: 0 when absent or 0 (each search says what 0 means).</summary>
    public int Limit { get; }

    /// <summary><c>page.token</c>, or null on the first page.</summary>
    public string? Token { get; }

    /// <summary>What must stay the same across the pages of one search.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Reads and judges a search body; on any problem writes the 400 naming the fields and returns null.
    /// <paramref name="boundFields"/> are the top-level fields a <c>next_token</c> is bound to; <paramref name="maxLimit"/> bounds <c>page.limit</c>; <paramref name="zeroMeans"/> says what 0 means in the message.
    /// </summary>
    public static async Task<AuthZenSearchRequest?> ReadAsync(
        AuthZenExchange exchange, AuthZenDecider decider, AuthZenCall call, string search, IReadOnlyList<string> boundFields,
        Func<AuthZenEvaluation, List<string>, AuthZenDecisionRequest?> readProbe, int maxLimit, string zeroMeans)
    {
        var httpContext = call.HttpContext;
        var body = await exchange.ReadBodyAsync(httpContext);
        if (body is null)
        {
            return null;
        }

        var root = body.RootElement;
        var evaluation = AuthZenEvaluation.From(root);
        var problems = new List<string>();
        var probe = readProbe(evaluation, problems);
        var limit = ReadPage(root, problems, maxLimit, zeroMeans, out var token);
        if (probe is not null && problems.Count == 0 && decider.Problems(probe) is { } invalid)
        {
            problems.Add(invalid);
        }

        if (probe is null || problems.Count > 0)
        {
            body.Dispose();
            await AuthZenExchange.WriteErrorAsync(httpContext, StatusCodes.Status400BadRequest, string.Join("; ", problems));
            return null;
        }

        var text = string.Join('\u001f', [search, .. boundFields.Select(f => Raw(root, f)), limit.ToString(System.Globalization.CultureInfo.InvariantCulture), call.PathTenant]);
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        return new AuthZenSearchRequest(body, evaluation, probe, limit, token, fingerprint);
    }

    /// <summary>A <c>next_token</c> carrying <paramref name="parts"/>, bound to this search.</summary>
    public string EncodeToken(params string[] parts) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes((string[])[Fingerprint, .. parts]))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The parts of <see cref="Token"/>, or null when it is not a token of this search with <paramref name="count"/> parts.</summary>
    public string[]? DecodeToken(int count)
    {
        if (Token is null)
        {
            return null;
        }

        try
        {
            var base64 = Token.Replace('-', '+').Replace('_', '/');
            var parts = JsonSerializer.Deserialize<string[]>(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            return parts is not null && parts.Length == count + 1 && parts[0] == Fingerprint ? parts[1..] : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _body.Dispose();

    private static int ReadPage(JsonElement root, List<string> problems, int maxLimit, string zeroMeans, out string? token)
    {
        token = null;
        if (!root.TryGetProperty("page", out var page) || page.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (page.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"page: must be a JSON object (got {AuthZenRequestReader.Kind(page)})");
            return 0;
        }

        if (page.TryGetProperty("token", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                problems.Add($"page.token: must be a string (got {AuthZenRequestReader.Kind(t)})");
            }
            else if (t.GetString()!.Length > 0)
            {
                token = t.GetString();
            }
        }

        if (!page.TryGetProperty("limit", out var l) || l.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (l.ValueKind != JsonValueKind.Number || !l.TryGetInt32(out var limit) || limit < 0 || limit > maxLimit)
        {
            var range = maxLimit == int.MaxValue ? "a non-negative integer" : $"an integer from 0 to {maxLimit}";
            problems.Add($"page.limit: must be {range} (0: {zeroMeans}) (got {l.GetRawText()})");
            return 0;
        }

        return limit;
    }

    private static string Raw(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetRawText() : string.Empty;
}
