#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline steps are marked experimental in 13.x.

using System.Text.Json.Nodes;
using AppHost.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AppHost.Publishing;

/// <summary>
/// What a deployment publisher reads: the manifest Aspire's manifest step has just written to the output path (the
/// serialized application model, with its expressions) and the model's own annotations, per service (each project or
/// container resource, in the manifest's order).
/// </summary>
public sealed class PublishedModel
{
    /// <summary>The compose project, the chart and the prefix of the images.</summary>
    public const string SystemName = "llm-platform";

    public const string ManifestFile = "aspire-manifest.json";

    public required string OutputDirectory { get; init; }
    public required string RepositoryRoot { get; init; }
    public required JsonObject Resources { get; init; }
    public required IReadOnlyList<PublishedService> Services { get; init; }

    public ManifestParameter Parameter(string name) => ManifestParameter.From(name, Resources[name]!);

    /// <summary>The projects' images, one per project (all replicas of a group share one).</summary>
    public IEnumerable<PublishedService> Images => Services.Where(s => s.IsProject).DistinctBy(s => s.ImageName);

    public static PublishedModel Read(PipelineStepContext context, string publisher)
    {
        var outputPath = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath
            ?? throw new DistributedApplicationException($"--publisher {publisher} needs --output-path <folder>.");
        var isManifestPath = outputPath.EndsWith(".json", StringComparison.Ordinal);
        var outputDirectory = Path.GetFullPath(isManifestPath ? Path.GetDirectoryName(outputPath)! : outputPath);
        var manifestPath = isManifestPath ? outputPath : Path.Combine(outputPath, ManifestFile);
        var resources = JsonNode.Parse(File.ReadAllText(manifestPath))?["resources"]?.AsObject()
            ?? throw new InvalidDataException($"{manifestPath} has no resources.");
        var repositoryRoot = FindRepositoryRoot(context.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var model = context.Model.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        return new PublishedModel
        {
            OutputDirectory = outputDirectory,
            RepositoryRoot = repositoryRoot,
            Resources = resources,
            Services = resources
                .Where(r => r.Value?["type"]?.GetValue<string>() is { } type && (type.StartsWith("project.") || type.StartsWith("container.")))
                .Select(r => new PublishedService(r.Key, r.Value!, model[r.Key],
                    r.Value!["path"] is { } path ? RepositoryPath(repositoryRoot, Path.Combine(outputDirectory, path.GetValue<string>())) : null))
                .ToList(),
        };
    }

    /// <summary>A path relative to the repository root, with forward slashes (build contexts and Dockerfiles).</summary>
    public static string RepositoryPath(string repositoryRoot, string path) =>
        Path.GetRelativePath(repositoryRoot, Path.GetFullPath(path)).Replace('\\', '/');

    private static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Aspire.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Aspire.sln not found above {start}: the images' build context is the repository root.");
    }
}

/// <summary>One project or container resource of the manifest, with its annotations from the application model.</summary>
public sealed record PublishedService(string Name, JsonNode Manifest, IResource Model, string? ProjectPath)
{
    public bool IsProject => ProjectPath is not null;

    public ReplicaGroupAnnotation? Replica => Annotation<ReplicaGroupAnnotation>();

    /// <summary>Its image: one per project, shared by the replicas of a group (<c>inference</c>).</summary>
    public string ImageName => Replica?.Group ?? Name;

    /// <summary>Where its images are pushed, under a registry: <c>llm-platform/gateway</c>.</summary>
    public string ImageRepository => $"{PublishedModel.SystemName}/{ImageName}";

    public IEnumerable<(string Name, JsonNode Binding)> Bindings =>
        (Manifest["bindings"]?.AsObject() ?? []).Select(b => (b.Key, b.Value!));

    /// <summary>Named volumes: a container's from the manifest, a project's from <see cref="ContainerVolumeAnnotation"/>.</summary>
    public IEnumerable<(string Name, string Target, bool ReadOnly)> Volumes =>
        (Manifest["volumes"]?.AsArray() ?? []).Select(v => (v!["name"]!.GetValue<string>(), v["target"]!.GetValue<string>(), v["readOnly"]?.GetValue<bool>() ?? false))
            .Concat(Model.Annotations.OfType<ContainerVolumeAnnotation>().Select(v => (v.Name, v.Target, false)));

    public IEnumerable<(string Name, string Value)> Environment =>
        (Manifest["env"]?.AsObject() ?? []).Select(e => (e.Key, e.Value!.GetValue<string>()));

    /// <summary>A container's command line after its entrypoint.</summary>
    public IEnumerable<string> Arguments => (Manifest["args"]?.AsArray() ?? []).Select(a => a!.GetValue<string>());

    public T? Annotation<T>() where T : class, IResourceAnnotation => Model.Annotations.OfType<T>().LastOrDefault();
}
