using System.Globalization;
using System.Text;
using AuthzService.Core.Caching;
using AuthzService.Core.Decisions;
using CsCheck;

namespace AuthzService.Core.Tests.Properties;

/// <summary>
/// The decision cache key is injective over every input that can change a decision and canonical over
/// those that cannot. Two requests must share a key exactly when they are the same question: a shared key
/// for different questions serves one principal's answer to another (a wrong ALLOW); a split key for the
/// same question only costs a miss, but is still a defect of the key function.
/// </summary>
/// <remarks>
/// The oracle is written here from what Cerbos sees, not from <see cref="DecisionCacheKey"/>: every field
/// of the stamp, the principal and the resource, the aux token and its key set, the deployment prefix and
/// the policy revision matter; the order attributes were inserted in, the order of actions and duplicate
/// actions do not (the answer is a map from action to effect); an absent aux token and an empty one are the
/// same (no token). Pairs are drawn so that equal and unequal questions both occur often: the second input
/// is the first with one to three fields redrawn from small domains (a redraw may give the same value back),
/// then put through every transformation that must not matter.
/// </remarks>
[TestClass]
public sealed class DecisionCacheKeyProperties
{
    private sealed record KeyInput(
        string Prefix,
        string Revision,
        string TenantId,
        long TenantVersion,
        string PrincipalId,
        long PrincipalVersion,
        long Epoch,
        string PrincipalRecordId,
        string[] Roles,
        Dictionary<string, object?> PrincipalAttributes,
        string PrincipalScope,
        string PrincipalPolicyVersion,
        string Kind,
        string ResourceId,
        Dictionary<string, object?> ResourceAttributes,
        string ResourcePolicyVersion,
        string ResourceScope,
        string[] Actions,
        string? Jwt,
        string? KeySetId)
    {
        public string Key() => DecisionCacheKey.For(
            Prefix,
            Revision,
            new DecisionStamp(TenantId, TenantVersion, PrincipalId, PrincipalVersion, Epoch),
            new PdpPrincipal(PrincipalRecordId, Roles, PrincipalAttributes, PrincipalScope, PrincipalPolicyVersion),
            new PdpResource(Kind, ResourceId, ResourceAttributes, ResourcePolicyVersion, ResourceScope, Actions),
            Jwt,
            KeySetId);

        public override string ToString() =>
            $"{Fingerprint(this)} as sent: actions=[{string.Join(",", Actions)}] jwt={Jwt ?? "(null)"} key_set={KeySetId ?? "(null)"}";
    }

    private const int FieldCount = 20;

    private static readonly Gen<long> SmallLong = Gen.OneOf(0L, 1L, 2L, long.MaxValue);
    // Roles as the principal builder hands them on: a sorted set.
    private static readonly Gen<string[]> Roles = Gen.OneOf("viewer", "editor", "team_member", "a:b").Array[1, 3]
        .Select(r => r.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
    private static readonly Gen<string[]> Actions = Gen.OneOf("read", "edit", "delete", "read:all").Array[1, 3];
    private static readonly Gen<string?> Aux = Gen.OneOf<string?>(null, "", "eyJ.a.b", "eyJ.a.c");


    [TestMethod]
    public void Key_SameQuestionSameKey_DifferentQuestionDifferentKey()
    {
        var pairs = Gen.Select(Input, Input, Gen.Int[0, FieldCount - 1].Array[1, 3], Gen.Int,
            (a, fresh, fields, shuffle) => (a, Equivalent(Redraw(a, fresh, fields), shuffle)));

        var equal = 0;
        var different = 0;
        pairs.Sample(
            (a, b) =>
            {
                var sameQuestion = Fingerprint(a) == Fingerprint(b);
                var sameKey = a.Key() == b.Key();
                if (sameQuestion)
                {
                    Interlocked.Increment(ref equal);
                }
                else
                {
                    Interlocked.Increment(ref different);
                }

                return sameQuestion == sameKey;
            },
            iter: PropertyGen.Iterations,
            print: t => $"A: {t.Item1}\nB: {t.Item2}");

        // The property is only as strong as its pairs: both outcomes must have been exercised many times.
        Assert.IsGreaterThan(PropertyGen.Iterations / 50, equal, $"equal pairs drawn: {equal}");
        Assert.IsGreaterThan(PropertyGen.Iterations / 2, different, $"different pairs drawn: {different}");
    }

    [TestMethod]
    public void Key_HostileIds_NeverCollideAcrossFieldBoundaries()
    {
        // Ids full of the separators of the key's readable part and of its hash encoding: moving text from one
        // id to the next (tenant "a:b" + principal "c" vs tenant "a" + principal "b:c") must change the key.
        PropertyGen.Id.Select(PropertyGen.Id, PropertyGen.Id).Sample(
            (tenant, principal, split) =>
            {
                var whole = tenant + principal;
                var cut = Math.Clamp(split.Length % (whole.Length + 1), 0, whole.Length);
                if (cut == tenant.Length || cut == 0 || cut == whole.Length)
                {
                    return true;
                }

                var a = KeyFor(tenant, principal);
                var b = KeyFor(whole[..cut], whole[cut..]);
                return a != b;
            },
            iter: PropertyGen.Iterations);

        static string KeyFor(string tenant, string principal) => DecisionCacheKey.For(
            "p:", string.Empty, new DecisionStamp(tenant, 1, principal, 1, 1),
            new PdpPrincipal(principal, ["viewer"], new Dictionary<string, object?>(), string.Empty),
            new PdpResource("doc", "1", new Dictionary<string, object?>(), string.Empty, string.Empty, ["read"]),
            null);
    }

    private static readonly Gen<KeyInput> Input = Gen.Select(
        Gen.Select(
            Gen.OneOf("authz:", "other:"), Gen.OneOf("", "r1", "r2"), PropertyGen.SmallId, SmallLong, PropertyGen.SmallId,
            SmallLong, SmallLong, PropertyGen.SmallId, Roles, PropertyGen.Attributes,
            (prefix, revision, tenant, tv, principal, pv, epoch, record, roles, attributes) =>
                (prefix, revision, tenant, tv, principal, pv, epoch, record, roles, attributes)),
        Gen.Select(
            Gen.OneOf("", "acme", "acme.eu"), Gen.OneOf("", "default", "v2"), Gen.OneOf("document", "project", "a:b"),
            PropertyGen.SmallId, PropertyGen.Attributes, Gen.OneOf("", "default", "v2"), Gen.OneOf("", "acme", "acme.eu"),
            Actions, Aux, Aux,
            (scope, ppv, kind, id, attributes, rpv, rscope, actions, jwt, keySet) =>
                (scope, ppv, kind, id, attributes, rpv, rscope, actions, jwt, keySet)),
        (p, r) => new KeyInput(
            p.prefix, p.revision, p.tenant, p.tv, p.principal, p.pv, p.epoch, p.record, p.roles, p.attributes,
            r.scope, r.ppv, r.kind, r.id, r.attributes, r.rpv, r.rscope, r.actions, r.jwt, r.keySet));

    // `a` with the given fields taken from `fresh` (which may hold the same value: then the question is unchanged).
    private static KeyInput Redraw(KeyInput a, KeyInput fresh, int[] fields)
    {
        foreach (var field in fields)
        {
            a = field switch
            {
                0 => a with { Prefix = fresh.Prefix },
                1 => a with { Revision = fresh.Revision },
                2 => a with { TenantId = fresh.TenantId },
                3 => a with { TenantVersion = fresh.TenantVersion },
                4 => a with { PrincipalId = fresh.PrincipalId },
                5 => a with { PrincipalVersion = fresh.PrincipalVersion },
                6 => a with { Epoch = fresh.Epoch },
                7 => a with { PrincipalRecordId = fresh.PrincipalRecordId },
                8 => a with { Roles = fresh.Roles },
                9 => a with { PrincipalAttributes = fresh.PrincipalAttributes },
                10 => a with { PrincipalScope = fresh.PrincipalScope },
                11 => a with { PrincipalPolicyVersion = fresh.PrincipalPolicyVersion },
                12 => a with { Kind = fresh.Kind },
                13 => a with { ResourceId = fresh.ResourceId },
                14 => a with { ResourceAttributes = fresh.ResourceAttributes },
                15 => a with { ResourcePolicyVersion = fresh.ResourcePolicyVersion },
                16 => a with { ResourceScope = fresh.ResourceScope },
                17 => a with { Actions = fresh.Actions },
                18 => a with { Jwt = fresh.Jwt },
                _ => a with { KeySetId = fresh.KeySetId },
            };
        }

        return a;
    }

    // Everything that must not matter, applied at once: attribute insertion order (at every depth), action order
    // and duplicates, absent vs empty aux token and key set id.
    private static KeyInput Equivalent(KeyInput input, int shuffle)
    {
        var random = new Random(shuffle);
        var actions = input.Actions.Concat(input.Actions.Where(_ => random.Next(2) == 0)).ToArray();
        random.Shuffle(actions);
        return input with
        {
            PrincipalAttributes = PropertyGen.Reordered(input.PrincipalAttributes, shuffle),
            ResourceAttributes = PropertyGen.Reordered(input.ResourceAttributes, shuffle + 7),
            Actions = actions,
            Jwt = string.IsNullOrEmpty(input.Jwt) ? (random.Next(2) == 0 ? null : string.Empty) : input.Jwt,
            KeySetId = string.IsNullOrEmpty(input.KeySetId) ? (random.Next(2) == 0 ? null : string.Empty) : input.KeySetId,
        };
    }

    // The question as Cerbos would be asked it, written canonically: every field tagged and delimited, maps by
    // sorted key, actions as a sorted set, no token as "".
    private static string Fingerprint(KeyInput k)
    {
        var text = new StringBuilder();
        void Field(string name, object? value)
        {
            text.Append(name).Append('=');
            Canon(text, value);
            text.Append(';');
        }

        Field("prefix", k.Prefix);
        Field("revision", k.Revision);
        Field("tenant", k.TenantId);
        Field("tenant_version", k.TenantVersion);
        Field("principal", k.PrincipalId);
        Field("principal_version", k.PrincipalVersion);
        Field("epoch", k.Epoch);
        Field("principal_record", k.PrincipalRecordId);
        Field("roles", k.Roles.ToList<object?>());
        Field("principal_attr", k.PrincipalAttributes);
        Field("principal_scope", k.PrincipalScope);
        Field("principal_policy_version", k.PrincipalPolicyVersion);
        Field("kind", k.Kind);
        Field("resource", k.ResourceId);
        Field("resource_attr", k.ResourceAttributes);
        Field("resource_policy_version", k.ResourcePolicyVersion);
        Field("resource_scope", k.ResourceScope);
        Field("actions", k.Actions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList<object?>());
        Field("jwt", k.Jwt ?? string.Empty);
        Field("key_set", k.KeySetId ?? string.Empty);
        return text.ToString();
    }

    private static void Canon(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case bool b:
                text.Append(b ? "true" : "false");
                break;
            case double d:
                text.Append("num(").Append(d.ToString("R", CultureInfo.InvariantCulture)).Append(')');
                break;
            case long l:
                text.Append("int(").Append(l.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case string s:
                text.Append("str(").Append(s.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(s).Append(')');
                break;
            case Dictionary<string, object?> map:
                text.Append("map{");
                foreach (var key in map.Keys.Order(StringComparer.Ordinal))
                {
                    Canon(text, key);
                    text.Append("=>");
                    Canon(text, map[key]);
                    text.Append(',');
                }

                text.Append('}');
                break;
            case List<object?> list:
                text.Append("list[");
                foreach (var item in list)
                {
                    Canon(text, item);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                throw new InvalidOperationException($"no canonical form for {value.GetType()}");
        }
    }
}
