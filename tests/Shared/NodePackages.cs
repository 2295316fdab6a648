namespace Tests.Shared;

/// <summary>
/// The npm packages the tests use, in tests/node (package.json and package-lock.json; test.sh installs them with
/// <c>npm ci --prefix tests/node</c>): tools shipped in npm packages, and Node scripts run with <c>node</c>.
/// </summary>
public static class NodePackages
{
    public static string Folder { get; } = Path.Combine(BuildOutput.RepositoryRoot, "tests", "node");

    /// <summary>tests/node/package.json: scripts resolve the packages from it (<c>createRequire</c>).</summary>
    public static string PackageJson => Path.Combine(Folder, "package.json");

    /// <summary>The folder of an installed package; throws saying how to install them when it is missing.</summary>
    public static string PackageFolder(string package)
    {
        var folder = Path.Combine(Folder, "node_modules", package);
        return Directory.Exists(folder) ? folder
            : throw new InvalidOperationException($"The npm package {package} is not installed: run `npm ci --prefix tests/node` (test.sh does).");
    }
}
