namespace AppHost.Hosting;

public sealed class ResourceBuilder<T>(T resource) : IResourceBuilder<T> where T : Resource
{
    public T Resource { get; } = resource;
}
