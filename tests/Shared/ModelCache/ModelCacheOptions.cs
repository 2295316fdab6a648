namespace Tests.Shared;

/// <summary>How a test starts ModelCacheService: which hub, cache, token, mode and store.</summary>
public sealed record ModelCacheOptions
{
    public required Uri HubEndpoint { get; init; }
    public required string CacheDirectory { get; init; }
    public string? Token { get; init; }
    public bool Offline { get; init; }
    public string? RedisConnection { get; init; }

    /// <summary>ModelCache__ApiKey: the service's API then needs it (the test's client sends it).</summary>
    public string? ApiKey { get; init; }

    /// <summary>More environment variables (e.g. ModelCache__AttemptTimeout).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public Dictionary<string, string> ToEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["HF_ENDPOINT"] = HubEndpoint.ToString(),
            ["HF_HUB_CACHE"] = CacheDirectory,
            ["HF_HOME"] = CacheDirectory + "-home", // Never the developer's ~/.cache/huggingface (or its token file).
            // Quick retries keep failing tests fast; the behaviour is the same as with the defaults.
            ["ModelCache__RetryBaseDelay"] = "00:00:00.050",
            ["ModelCache__MaxRetries"] = "3",
        };
        if (Token is not null) environment["HF_TOKEN"] = Token;
        if (Offline) environment["HF_HUB_OFFLINE"] = "1";
        if (RedisConnection is not null) environment["ConnectionStrings__redis"] = RedisConnection;
        if (ApiKey is not null) environment["ModelCache__ApiKey"] = ApiKey;
        foreach (var (key, value) in Environment) environment[key] = value;
        return environment;
    }
}
