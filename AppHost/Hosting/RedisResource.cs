namespace AppHost.Hosting;

/// <summary>
/// Redis: the OS <c>redis-server</c> on a loopback port without persistence when run locally; the
/// <c>redis:7</c> container image (with an append-only file on a volume) when published.
/// </summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public const int DefaultPort = 6379;

    public string Image { get; init; } = "docker.io/library/redis";

    public string Tag { get; init; } = "7";

    public string Command { get; init; } = "redis-server";

    public EndpointAnnotation PrimaryEndpoint => GetEndpoint("tcp");

    /// <summary>Arguments when run locally: loopback only, no RDB snapshots, no append-only file.</summary>
    public IEnumerable<string> LocalArgs(int port) =>
        ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"];

    /// <summary>Arguments of the published container: keys survive restarts (append-only file under /data).</summary>
    public IReadOnlyList<string> PublishedArgs { get; } = ["redis-server", "--appendonly", "yes"];
}
