using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>Declares the resources of the application (the model), then builds the runnable application.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        Options = options;
        Configuration = AppHostConfiguration.Build(options);
        ExecutionContext = new DistributedApplicationExecutionContext(options.IsPublishMode);
    }

    public DistributedApplicationOptions Options { get; }

    public IConfiguration Configuration { get; }

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>
    /// A .NET project, its path relative to the AppHost project folder (as in Aspire). It listens on its
    /// endpoints through ASPNETCORE_URLS and gets OTEL_SERVICE_NAME and the OTLP settings; run locally, it logs one
    /// line per entry and leaves out ASP.NET's per-request lines and the resilience handler's per-attempt lines (health
    /// probes and telemetry exports would flood the console).
    /// </summary>
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath)
    {
        var project = new ProjectResource(name, Path.GetFullPath(Path.Combine(Options.AppHostDirectory, projectPath)));
        project.Environment.Add(context =>
        {
            foreach (var (key, value) in context.Values.Telemetry(project, context.Replica)) context.Set(key, value);
            if (project.Endpoints.Count > 0)
                context.Set("ASPNETCORE_URLS", string.Join(';', project.Endpoints.Select(e => context.Values.ListenUrl(e, context.Replica))));
            if (context.Target == ExecutionTarget.Run)
            {
                // One line per log entry under the resource's prefix, without a line per health probe.
                context.Set("Logging__Console__FormatterOptions__SingleLine", "true");
                context.Set("Logging__LogLevel__Microsoft.AspNetCore", "Warning");
                context.Set("Logging__LogLevel__Polly", "Warning");
            }
        });
        return AddResource(project);
    }

    /// <summary>Redis: the OS redis-server on a free loopback port locally, the redis:7 image when published.</summary>
    public IResourceBuilder<RedisResource> AddRedis(string name, int? port = null)
    {
        var redis = new RedisResource(name) { HealthCheck = new RedisPingHealthCheck() };
        redis.Endpoints.Add(new EndpointAnnotation(redis, "tcp", "tcp", port, RedisResource.DefaultPort));
        return AddResource(redis).WithVolume($"{name}-data", "/data");
    }

    /// <summary>A parameter: configured as <c>Parameters:&lt;name&gt;</c>, else generated (secrets) or the default.</summary>
    public IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false, int? generateLength = null, string defaultValue = "") =>
        AddResource(new ParameterResource(name, secret)
        {
            Configured = Configuration[$"Parameters:{name}"],
            GenerateLength = generateLength,
            Default = defaultValue,
        });

    public IResourceBuilder<ExecutableResource> AddExecutable(string name, string command, string workingDirectory)
    {
        var executable = new ExecutableResource(name, command) { WorkingDirectory = workingDirectory };
        return AddResource(executable);
    }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build() => new(_resources, Options, Configuration);
}
