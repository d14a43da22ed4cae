namespace AuthzService.Fuzz;

/// <summary>
/// One fuzz target: a parser of hostile bytes and its contract. <see cref="Run"/> returns when the input was
/// accepted or refused the documented way (the documented exception is caught inside); anything else escapes: an
/// undocumented exception type, or a <see cref="ContractViolation"/> thrown by the target's own checks (a parse
/// that accepted what it must refuse, e.g. a token that is not canonical, a JWT naming another tenant that is let
/// through). AFL++ counts an escaped exception as a crash, the smoke run as a failure.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>The name used on the command line, in <c>corpus/NAME/</c> and in the summary lines.</summary>
    public abstract string Name { get; }

    /// <summary>What the target feeds the bytes to, for <c>list</c> and the docs.</summary>
    public abstract string Description { get; }

    /// <summary>Byte strings the smoke mutator splices in (AFL++'s dictionary idea: tokens a byte flip rarely makes).</summary>
    public virtual IReadOnlyList<byte[]> Dictionary => [];

    /// <summary>How many mutated inputs the smoke run of <c>make test</c> makes (<c>FUZZ_MUTATIONS</c> overrides it for every target).</summary>
    public virtual int SmokeMutations => 4000;

    /// <summary>Runs one input through the target; throws only when the contract is broken.</summary>
    public abstract void Run(ReadOnlySpan<byte> input);
}

/// <summary>A target accepted input it must refuse, or produced an answer its contract forbids.</summary>
internal sealed class ContractViolation(string message) : Exception(message);

/// <summary>Every target, in the order the smoke run and <c>make fuzz</c> run them.</summary>
internal static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        new Targets.CheckResourcesTarget(),
        new Targets.AuthZenEvaluationTarget(),
        new Targets.ConsistencyTokenTarget(),
        new Targets.JwtTenantClaimTarget(),
        new Targets.L2ValueTarget(),
        new Targets.PemTarget(),
    ];

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})", nameof(name));

    /// <summary>Throws <see cref="ContractViolation"/> with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ContractViolation(message);
        }
    }
}
