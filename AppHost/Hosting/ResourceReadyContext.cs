namespace AppHost.Hosting;

/// <summary>What an OnResourceReady callback gets: the resource (its endpoints are allocated) and the AppHost's log.</summary>
public sealed class ResourceReadyContext(Resource resource, Action<string> log)
{
    public Resource Resource { get; } = resource;

    /// <summary>Writes a line to the console as the AppHost.</summary>
    public void Log(string line) => log(line);
}
