namespace ModelCacheService.Configuration;

/// <summary>
/// Where the hub is, who we are on it and where the cache lives, read under huggingface_hub's own
/// environment variable names so a user's existing Hugging Face setup (and mounted cache) works unchanged.
/// </summary>
public sealed record HubSettings
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>HF_ENDPOINT: the hub's base address, without a trailing slash.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>HF_TOKEN, else the token file huggingface-cli login writes ($HF_HOME/token).</summary>
    public string? Token { get; init; }

    /// <summary>HF_HUB_CACHE: the folder that holds models--{org}--{name}.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>HF_HUB_OFFLINE: serve only what is cached, never call the hub.</summary>
    public bool Offline { get; init; }

    public static HubSettings FromConfiguration(IConfiguration configuration)
    {
        var home = NonEmpty(configuration["HF_HOME"]) ?? Path.Combine(XdgCacheHome(configuration), "huggingface");
        var cache = NonEmpty(configuration["HF_HUB_CACHE"])
            ?? NonEmpty(configuration["HUGGINGFACE_HUB_CACHE"]) // the older name huggingface_hub still honours
            ?? Path.Combine(home, "hub");
        var endpoint = NonEmpty(configuration["HF_ENDPOINT"]) ?? DefaultEndpoint;
        if (!Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"HF_ENDPOINT must be an absolute http(s) address, not '{endpoint}'.");

        return new HubSettings
        {
            Endpoint = endpointUri,
            Token = NonEmpty(configuration["HF_TOKEN"]) ?? ReadTokenFile(configuration["HF_TOKEN_PATH"] ?? Path.Combine(home, "token")),
            CacheDirectory = Path.GetFullPath(ExpandHome(cache)),
            Offline = IsTrue(configuration["HF_HUB_OFFLINE"]),
        };
    }

    /// <summary>huggingface_hub's truth test for its boolean variables.</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string XdgCacheHome(IConfiguration configuration) =>
        ExpandHome(NonEmpty(configuration["XDG_CACHE_HOME"]) ?? "~/.cache");

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) ? NonEmpty(File.ReadAllText(path).Trim()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // An unreadable token file is the same as none; gated pulls will say so.
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
