namespace AuthzService.Testing;

/// <summary>Locates the repository root and the pinned tools that <c>make tools</c> installs into <c>.tools/</c>.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder holding <c>AuthzService.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The tools folder: <c>AUTHZ_TOOLS_DIR</c> if set, else <c>.tools/</c> under the root.</summary>
    public static string Tools =>
        Environment.GetEnvironmentVariable("AUTHZ_TOOLS_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Root, ".tools");

    public static string NodeModules => Path.Combine(Tools, "node_modules");

    public static string CerbosBinary =>
        Path.Combine(NodeModules, "@cerbos", "cerbos-linux-x64", "cerbos-linux-x64");

    public static string Policies => Path.Combine(Root, "cerbos-policies");

    /// <summary>The engine-wide Cerbos settings every Cerbos of this project runs with (the Helm chart's too).</summary>
    public static string CerbosBaseConfig => Path.Combine(Root, "helm", "authz-service", "files", "cerbos-base.yaml");

    /// <summary>Fails with a message that says how to fix it, instead of a confusing file-not-found later.</summary>
    public static string Require(string path, string what)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InvalidOperationException($"{what} not found at '{path}'. Run `make tools` first.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AuthzService.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find AuthzService.sln above " + AppContext.BaseDirectory);
    }
}
