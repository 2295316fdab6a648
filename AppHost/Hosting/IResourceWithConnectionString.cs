namespace AppHost.Hosting;

/// <summary>A resource others reach through <c>ConnectionStrings__&lt;name&gt;</c> ("host:port") rather than a URL.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    EndpointAnnotation PrimaryEndpoint { get; }
}
