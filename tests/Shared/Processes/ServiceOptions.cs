namespace Tests.Shared;

/// <summary>How to start a service for a test.</summary>
public sealed record ServiceOptions
{
    /// <summary>The name in messages (default: the project's); tells apart several instances of one service.</summary>
    public string? Name { get; init; }

    /// <summary>The project's folder under the repository root when it is not the project's name (e.g. tests/Gateway.TestBackend).</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>Command-line arguments, given the port the service must listen on.</summary>
    public Func<int, IEnumerable<string>> Args { get; init; } = _ => [];

    /// <summary>Bind through ASPNETCORE_URLS=http://127.0.0.1:PORT (any ASP.NET host); false when the args carry the port.</summary>
    public bool BindWithAspNetCoreUrls { get; init; } = true;

    /// <summary>Extra environment variables for the service process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the service may take until /health answers 200 and <see cref="Ready"/> holds.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>More than 200 from /health before the service counts as started, given the body (e.g. its replicas are up).</summary>
    public Func<string, bool>? Ready { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c> with the /health polls: the gateway shows its checks' details (its replicas)
    /// to the admin key only.</summary>
    public string? HealthKey { get; init; }

    /// <summary>Timeout of the requests a test sends through <see cref="ServiceProcess.Http"/>.</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
