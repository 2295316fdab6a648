namespace AppHost.Resources;

/// <summary>Passes a section of the AppHost's configuration (e.g. <c>--Gateway:RequestsPerMinute 60</c>) to a service as
/// environment variables (<c>Gateway__RequestsPerMinute=60</c>), the way .NET configuration reads them back.</summary>
public static class ConfigurationSections
{
    public static IResourceBuilder<T> WithConfigurationSection<T>(this IResourceBuilder<T> resource, string section,
        Func<string, bool>? include = null) where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in resource.ApplicationBuilder.Configuration.GetSection(section).AsEnumerable(makePathsRelative: true))
            if (value is not null && (include?.Invoke(key) ?? true))
                resource.WithEnvironment($"{section}__{key.Replace(":", "__", StringComparison.Ordinal)}", value);
        return resource;
    }
}
