namespace Gateway.Routing;

/// <summary>
/// The inference replicas' base URLs from service-discovery configuration, Aspire's convention:
/// <c>services__inference__http__0=http://127.0.0.1:8001</c>, <c>..._1</c>, ... (or the same under
/// "services:inference:http" in a configuration file; "https" endpoints too).
/// </summary>
public static class InferenceReplicas
{
    public const string ServiceName = "inference";

    public static IReadOnlyList<Replica> Read(IConfiguration configuration)
    {
        var replicas = new List<Replica>();
        foreach (var scheme in new[] { "http", "https" })
        {
            var endpoints = configuration.GetSection($"services:{ServiceName}:{scheme}").GetChildren()
                .OrderBy(e => int.TryParse(e.Key, out var index) ? index : int.MaxValue);
            foreach (var endpoint in endpoints)
            {
                if (string.IsNullOrWhiteSpace(endpoint.Value)) continue;
                if (!Uri.TryCreate(endpoint.Value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    throw new InvalidOperationException($"services:{ServiceName}:{scheme}:{endpoint.Key} is not an http(s) URL: '{endpoint.Value}'");
                replicas.Add(new Replica($"{ServiceName}-{replicas.Count}", uri));
            }
        }
        return replicas;
    }
}
