namespace Tests.Shared;

/// <summary>How to start a service for a test.</summary>
public sealed record ServiceOptions
{
    /// <summary>Command-line arguments, given the port the service must listen on.</summary>
    public Func<int, IEnumerable<string>> Args { get; init; } = _ => [];

    /// <summary>Bind through ASPNETCORE_URLS=http://127.0.0.1:PORT (any ASP.NET host); false when the args carry the port.</summary>
    public bool BindWithAspNetCoreUrls { get; init; } = true;

    /// <summary>Extra environment variables for the service process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the service may take until /health answers 200.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
