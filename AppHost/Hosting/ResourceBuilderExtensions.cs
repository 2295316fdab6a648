namespace AppHost.Hosting;

/// <summary>The With* methods of the model, named as in Aspire.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>An HTTP endpoint; <paramref name="port"/> null (or --random-ports) means a free port.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string name = "http")
        where T : Resource
    {
        builder.Resource.Endpoints.Add(new EndpointAnnotation(name, "http", port));
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params string[] args) where T : Resource
    {
        builder.Resource.Args.Add(() => args);
        return builder;
    }

    /// <summary>Arguments computed at start, e.g. from an allocated endpoint port.</summary>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, Func<T, IEnumerable<string>> args) where T : Resource
    {
        var resource = builder.Resource;
        resource.Args.Add(() => args(resource));
        return builder;
    }
}
