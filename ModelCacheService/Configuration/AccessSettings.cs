namespace ModelCacheService.Configuration;

/// <summary>Who may use the API and how much at once; bound from the "ModelCache" section (e.g. ModelCache__ApiKey).</summary>
public sealed class AccessSettings
{
    /// <summary>Bearer key every /api request needs (the AppHost generates one and gives it to the service's clients);
    /// empty: the API is open (a warning at start).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Pulls this replica runs at once; another one (not joining a running pull) is refused with 429.</summary>
    public int MaxConcurrentPulls { get; set; } = 4;
}
