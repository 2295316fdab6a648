namespace ModelCacheService.Configuration;

/// <summary>
/// Where the hub is, who we are on it and where the cache lives, read under huggingface_hub's own
/// environment variable names so a user's existing Hugging Face setup (and mounted cache) works unchanged.
/// </summary>
public sealed record HubSettings
{
    public const string DefaultEndpoint = "https://huggingface.co";

    private const string HomeKey = "HF_HOME", CacheKey = "HF_HUB_CACHE", OldCacheKey = "HUGGINGFACE_HUB_CACHE", EndpointKey = "HF_ENDPOINT",
        TokenKey = "HF_TOKEN", TokenPathKey = "HF_TOKEN_PATH", OfflineKey = "HF_HUB_OFFLINE", XdgCacheHomeKey = "XDG_CACHE_HOME";

    /// <summary>The configuration keys read here: environment variables, or flags (<c>--HF_TOKEN hf_...</c>).</summary>
    public static IReadOnlyList<string> Keys { get; } = [HomeKey, CacheKey, OldCacheKey, EndpointKey, TokenKey, TokenPathKey, OfflineKey, XdgCacheHomeKey];

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
        var home = NonEmpty(configuration[HomeKey]) ?? Path.Combine(XdgCacheHome(configuration), "huggingface");
        var cache = NonEmpty(configuration[CacheKey])
            ?? NonEmpty(configuration[OldCacheKey]) // the older name huggingface_hub still honours
            ?? Path.Combine(home, "hub");
        var endpoint = NonEmpty(configuration[EndpointKey]) ?? DefaultEndpoint;
        if (!Uri.TryCreate(endpoint.TrimEnd('/'), UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"HF_ENDPOINT must be an absolute http(s) address, not '{endpoint}'.");

        return new HubSettings
        {
            Endpoint = endpointUri,
            Token = NonEmpty(configuration[TokenKey]) ?? ReadTokenFile(configuration[TokenPathKey] ?? Path.Combine(home, "token")),
            CacheDirectory = Path.GetFullPath(ExpandHome(cache)),
            Offline = IsTrue(configuration[OfflineKey]),
        };
    }

    /// <summary>huggingface_hub's truth test for its boolean variables.</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string XdgCacheHome(IConfiguration configuration) =>
        ExpandHome(NonEmpty(configuration[XdgCacheHomeKey]) ?? "~/.cache");

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
