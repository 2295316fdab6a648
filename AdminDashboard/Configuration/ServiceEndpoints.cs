namespace AdminDashboard.Configuration;

/// <summary>
/// The base URLs of the platform's services, from Aspire's service-discovery configuration as the AppHost injects it:
/// <c>services__gateway__http__0</c>, <c>services__modelcache__http__0</c>, <c>services__inference__http__0..N</c>
/// (or "services:gateway:http:0" etc. in a configuration file). Missing services are simply absent.
/// </summary>
public sealed class ServiceEndpoints
{
    public const string Gateway = "gateway";
    public const string ModelCache = "modelcache";
    public const string Inference = "inference";

    public Uri? GatewayUrl { get; init; }
    public Uri? ModelCacheUrl { get; init; }
    public IReadOnlyList<Uri> InferenceUrls { get; init; } = [];

    /// <summary>ConnectionStrings__redis ("host:port[,options]"), shown and pinged on the overview when set.</summary>
    public string? Redis { get; init; }

    /// <summary>ModelCache__ApiKey: the bearer key of ModelCacheService's API (the one the service itself is given).</summary>
    public string? ModelCacheKey { get; init; }

    /// <summary>Replica names as the gateway names them: inference-0, inference-1, ...</summary>
    public static string ReplicaName(int index) => $"{Inference}-{index}";

    public static ServiceEndpoints Read(IConfiguration configuration) => new()
    {
        GatewayUrl = Urls(configuration, Gateway).FirstOrDefault(),
        ModelCacheUrl = Urls(configuration, ModelCache).FirstOrDefault(),
        InferenceUrls = Urls(configuration, Inference),
        Redis = string.IsNullOrWhiteSpace(configuration.GetConnectionString("redis")) ? null : configuration.GetConnectionString("redis")!.Trim(),
        ModelCacheKey = string.IsNullOrWhiteSpace(configuration["ModelCache:ApiKey"]) ? null : configuration["ModelCache:ApiKey"],
    };

    private static List<Uri> Urls(IConfiguration configuration, string service)
    {
        var urls = new List<Uri>();
        foreach (var scheme in new[] { "http", "https" })
        {
            var endpoints = configuration.GetSection($"services:{service}:{scheme}").GetChildren()
                .OrderBy(e => int.TryParse(e.Key, out var index) ? index : int.MaxValue);
            foreach (var endpoint in endpoints)
            {
                if (string.IsNullOrWhiteSpace(endpoint.Value)) continue;
                if (!Uri.TryCreate(endpoint.Value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    throw new InvalidOperationException($"services:{service}:{scheme}:{endpoint.Key} is not an http(s) URL: '{endpoint.Value}'");
                // A trailing slash makes relative paths ("health", "v1/models") resolve under the base.
                urls.Add(uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/"));
            }
        }
        return urls;
    }
}
