namespace AppHost.Hosting;

/// <summary>Fluent configuration of one declared resource (Aspire's IResourceBuilder).</summary>
public interface IResourceBuilder<out T> where T : Resource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}
