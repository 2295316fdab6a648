namespace AppHost.Hosting;

/// <summary>Declares the resources of the application (the model), then builds the runnable application.</summary>
public sealed class DistributedApplicationBuilder(DistributedApplicationOptions options)
{
    private readonly List<Resource> _resources = [];

    public DistributedApplicationOptions Options { get; } = options;

    /// <summary>A .NET project, its path relative to the AppHost project folder (as in Aspire).</summary>
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath) =>
        AddResource(new ProjectResource(name, Path.GetFullPath(Path.Combine(Options.AppHostDirectory, projectPath))));

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource);
    }

    public DistributedApplication Build() => new(_resources, Options);
}
