using System.Text;
using System.Text.Json;
using AuthzService.Api.AuthZen;
using AuthzService.Api.Mapping;
using AuthzService.Api.Validation;

namespace AuthzService.Fuzz.Targets;

/// <summary>
/// An AuthZEN evaluation body as the HTTP endpoints read it: <see cref="JsonDocument"/> with the endpoints' options,
/// then for <c>POST /access/v1/evaluation</c> and for every item of <c>POST /access/v1/evaluations</c> (with the
/// request's defaults and <c>options</c>) the endpoints' own reading and the CheckResources validator, on the
/// unscoped path and on <c>/tenants/acme/...</c>, then the CheckResources request and its mapping. Contract:
/// <see cref="JsonException"/> (400 "body: is not valid JSON"), a body problem (400 naming the body or the field) or a 400 result naming the field, never another
/// exception; a request that is read passes the CheckResources validator, maps to a command, and under a tenant
/// path is always for that tenant.
/// </summary>
internal sealed class AuthZenEvaluationTarget : FuzzTarget
{
    private const string PathTenant = "acme";

    private static readonly CheckResourcesRequestValidator s_validator = new();

    // Only the validator of the decider is used by reading; the pipeline and the service decide, which this target does not.
    private static readonly AuthZenEvaluationEndpoints s_endpoints = new(null!, new AuthZenDecider(null!, null!, s_validator), null!);

    public override string Name => "authzen-evaluation";

    public override string Description => "AuthZEN JSON body -> JsonDocument -> AuthZenEvaluationEndpoints.Read (reader + validator) -> CheckResourcesRequest -> CheckMapping.ToCommand";

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. new[]
        {
            "\"subject\"", "\"action\"", "\"resource\"", "\"context\"", "\"properties\"", "\"tenant_id\"", "\"team_id\"", "\"evaluations\"",
            "\"options\"", "\"evaluations_semantic\"", "\"deny_on_first_deny\"", "\"permit_on_first_permit\"", "\"type\"", "\"id\"", "\"name\"",
            "\"acme\"", "\"globex\"", "null", "true", "false", "[]", "{}", "1e400", "-1e400", "-0", "1e-400", "123456789012345678901234567890",
            "\"\\ud800\"", "\"\\udfff\"", "\"\\u0000\"", "\"\\u202e\"", "\"\\uFEFF\"", "\\ud83d\\ude00", "\"\\\"\"", ",", ":", "[", "]", "{", "}",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input.ToArray(), AuthZenExchange.JsonOptions);
        }
        catch (JsonException)
        {
            return;
        }
        catch (InvalidOperationException ex) when (AuthZenExchange.IsUnreadableMemberName(ex))
        {
            return; // 400 "body: has a member name that is not valid Unicode text"
        }

        using (document)
        {
            if (AuthZenExchange.BodyProblem(document) is { } bodyProblem)
            {
                FuzzTargets.Require(bodyProblem.Contains(':', StringComparison.Ordinal), $"a refused body names nothing: {bodyProblem}");
                return; // 400 naming the body or the field
            }

            var root = document.RootElement;

            foreach (var pathTenant in new[] { null, PathTenant })
            {
                var defaults = AuthZenEvaluation.From(root);
                Check(s_endpoints.Read(defaults, pathTenant), pathTenant);

                if (AuthZenEvaluationEndpoints.ReadSemantic(root, out var semantic) is { } problem)
                {
                    FuzzTargets.Require(problem.StartsWith("options", StringComparison.Ordinal), $"an options problem that names no field: {problem}");
                    continue;
                }

                FuzzTargets.Require(AuthZenEvaluationsRunner.Semantics.Contains(semantic), $"unknown semantic '{semantic}' accepted");
                if (root.TryGetProperty("evaluations", out var items) && items.ValueKind == JsonValueKind.Array
                    && items.GetArrayLength() <= RequestLimits.MaxResources)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        Check(s_endpoints.Read(item, defaults, pathTenant), pathTenant);
                    }
                }
            }
        }
    }

    private static void Check((AuthZenDecisionRequest? Request, AuthZenResult? Error) read, string? pathTenant)
    {
        FuzzTargets.Require(read.Request is null != read.Error is null, "reading gave both or neither of a request and an error");
        if (read.Error is { } error)
        {
            FuzzTargets.Require(error is { IsError: true, Decision: false, ErrorStatus: 400 } && !string.IsNullOrEmpty(error.ErrorMessage),
                $"a refused evaluation is not a 400 with a message: {error}");
            FuzzTargets.Require(error.ErrorMessage!.Contains(':', StringComparison.Ordinal), $"a 400 that names no field: {error.ErrorMessage}");
            return;
        }

        var evaluation = read.Request!;
        FuzzTargets.Require(pathTenant is null || (evaluation.TenantId == pathTenant && evaluation.TenantFromPath),
            $"under /tenants/{pathTenant}/ an evaluation was read for tenant '{evaluation.TenantId}'");
        var request = AuthZenDecider.RequestOf(string.Empty, [evaluation]);
        var validation = s_validator.Validate(request);
        FuzzTargets.Require(validation.IsValid, $"an evaluation that was read fails the CheckResources validator: {validation}");
        var command = CheckMapping.ToCommand(request);
        FuzzTargets.Require(command.Principal.TenantId == evaluation.TenantId && command.Resources is [{ Actions: [var action] }] && action == evaluation.Action,
            "the command is not for the evaluation's tenant and action");
    }
}
