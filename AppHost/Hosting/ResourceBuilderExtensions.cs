using Microsoft.Extensions.Configuration;

namespace AppHost.Hosting;

/// <summary>The With* methods of the model, named as in Aspire.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>An HTTP endpoint; <paramref name="port"/> is the local port (replica i gets port + i; null or
    /// --random-ports: a free one); <paramref name="targetPort"/> is where it listens in a container.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null,
        int targetPort = ProjectResource.ContainerPort, string name = "http") where T : Resource
    {
        builder.Resource.Endpoints.Add(new EndpointAnnotation(builder.Resource, name, "http", port, targetPort));
        return builder;
    }

    /// <summary>Its http endpoints are reachable from outside when deployed (published ports).</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        foreach (var endpoint in builder.Resource.Endpoints.Where(e => e.Scheme is "http" or "https")) endpoint.External = true;
        return builder;
    }

    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : Resource
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentContext> callback)
        where T : Resource
    {
        builder.Resource.Environment.Add(callback);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : Resource =>
        builder.WithEnvironment(context => context.Set(name, context.Values.Literal(value)));

    /// <summary>A parameter's value (locally; an empty value is left unset), its expression when published.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : Resource => builder.WithEnvironment(context =>
        {
            var value = context.Values.Parameter(parameter.Resource);
            if (value.Length > 0 || context.Target != ExecutionTarget.Run) context.Set(name, value);
        });

    /// <summary>Every value of a configuration section, as <c>Section__Key</c> variables (e.g. Engine__MaxModelLen).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, IConfigurationSection section,
        Func<string, bool>? include = null) where T : Resource => builder.WithEnvironment(context =>
        {
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
                if (value is not null && (include?.Invoke(key) ?? true))
                    context.Set($"{section.Path.Replace(":", "__")}__{key.Replace(":", "__")}", context.Values.Literal(value));
        });

    /// <summary>
    /// Aspire's references: <c>ConnectionStrings__&lt;name&gt;</c> for a resource with a connection string,
    /// else <c>services__&lt;name&gt;__&lt;endpoint&gt;__&lt;i&gt;</c> for each address of each endpoint
    /// (every replica locally; the one service address when published).
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> target) where T : Resource
    {
        var referenced = target.Resource;
        builder.Resource.References.Add(referenced);
        return builder.WithEnvironment(context =>
        {
            if (referenced is IResourceWithConnectionString withConnectionString)
            {
                context.Set($"ConnectionStrings__{referenced.Name}", context.Values.ConnectionString(withConnectionString));
                return;
            }
            foreach (var endpoint in referenced.Endpoints)
            {
                var urls = context.Values.Urls(endpoint);
                for (var i = 0; i < urls.Count; i++) context.Set($"services__{referenced.Name}__{endpoint.Name}__{i}", urls[i]);
            }
        });
    }

    /// <summary>Start only after every replica of <paramref name="dependency"/> reports healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    /// <summary>Healthy once GET <paramref name="path"/> answers 200 (also the compose healthcheck).</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health") where T : Resource
    {
        builder.Resource.HealthCheck = new HttpHealthCheck(path);
        return builder;
    }

    /// <summary>A named volume mounted at <paramref name="target"/> in the published containers.</summary>
    public static IResourceBuilder<T> WithVolume<T>(this IResourceBuilder<T> builder, string name, string target) where T : Resource
    {
        builder.Resource.Volumes.Add(new VolumeAnnotation(name, target));
        return builder;
    }

    /// <summary>Marks a resource that can use a GPU (the compose file gets a commented GPU reservation).</summary>
    public static IResourceBuilder<T> WithGpuSupport<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        builder.Resource.SupportsGpu = true;
        return builder;
    }

    public static IResourceBuilder<T> ExcludeFromManifest<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        builder.Resource.ExcludeFromPublish = true;
        return builder;
    }

    /// <summary>Runs <paramref name="callback"/> once every replica is first healthy (after the first resource table).</summary>
    public static IResourceBuilder<T> OnResourceReady<T>(this IResourceBuilder<T> builder,
        Func<ResourceReadyContext, CancellationToken, Task> callback) where T : Resource
    {
        builder.Resource.OnReady.Add(callback);
        return builder;
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, Func<T, IEnumerable<string>> args) where T : ExecutableResource
    {
        var resource = builder.Resource;
        resource.Args.Add(() => args(resource));
        return builder;
    }
}
