using Microsoft.Playwright;

namespace AdminDashboard.Tests.Infrastructure;

/// <summary>
/// Everything the dashboard tests share, started once: redis-server, the fake hub, InferenceService (the embedded stories260K
/// with a chat template), ModelCacheService (on the fake hub, an empty temporary cache), the Gateway (in-memory key
/// store and limits in Redis, the one replica, whose admin key it holds to deploy models), the AdminDashboard wired the way the AppHost wires it (the replica closed by
/// its API key, which the gateway and the dashboard hold), and headless Debian chromium.
/// Every process gets its port up front, so all start at once.
/// </summary>
public sealed class Platform : IAsyncLifetime
{
    public const string AdminKey = "dashboard-test-admin-key-7f3a";

    /// <summary>The replica's --api-key, as the AppHost wires it: the gateway and the dashboard send it, nobody else has it.</summary>
    public const string InferenceApiKey = "dashboard-test-inference-key-4c1e";
    public const string Model = "stories260K";

    /// <summary>The replica's --admin-key, which the gateway holds (Gateway__UpstreamAdminKey) to deploy models onto it.</summary>
    public const string InferenceAdminKey = "dashboard-test-inference-admin-9d2b";

    /// <summary>Renders only the user turns: stories260K has no chat template of its own.</summary>
    public const string ChatTemplate = "{{ bos_token }}{% for m in messages %}{% if m[\"role\"] == \"user\" %}{{ m[\"content\"] }}{% endif %}{% endfor %}";

    /// <summary>The pull of the 1 MB model takes about 3 s at this rate: long enough to see the bar move.</summary>
    public const int HubBytesPerSecond = 350_000;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "dashboard-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<ServiceProcess> _services = [];

    public RedisServer Redis { get; private set; } = null!;
    public FakeHubServer Hub { get; private set; } = null!;
    public ServiceProcess Inference { get; private set; } = null!;
    public ServiceProcess ModelCache { get; private set; } = null!;
    public ServiceProcess Gateway { get; private set; } = null!;
    public ServiceProcess Dashboard { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        Redis = await RedisServer.StartAsync();
        Hub = await FakeHubServer.StartAsync();
        Hub.Switches.ThrottleBytesPerSecond = HubBytesPerSecond;
        int inferencePort = FreePort.Next(), cachePort = FreePort.Next(), gatewayPort = FreePort.Next(), dashboardPort = FreePort.Next();
        string inferenceUrl = $"http://127.0.0.1:{inferencePort}", cacheUrl = $"http://127.0.0.1:{cachePort}", gatewayUrl = $"http://127.0.0.1:{gatewayPort}";

        Inference = Add(ServiceProcess.Start("InferenceService", inferencePort, new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--chat-template", ChatTemplate, "--threads", "1", "--max-num-seqs", "8", "--seed", "1",
                "--api-key", InferenceApiKey, "--admin-key", InferenceAdminKey],
            // Models deployed by repo id are pulled through the model cache, as in the AppHost.
            Environment = new Dictionary<string, string> { ["services__modelcache__http__0"] = cacheUrl },
            BindWithAspNetCoreUrls = false,
        }));
        ModelCache = Add(ServiceProcess.Start("ModelCacheService", cachePort, new ServiceOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["HF_ENDPOINT"] = Hub.Endpoint.ToString().TrimEnd('/'),
                ["HF_HUB_CACHE"] = Path.Combine(_scratch, "hub"),
                ["HF_HOME"] = Path.Combine(_scratch, "hf-home"), // Never the developer's ~/.cache/huggingface (or its token).
                ["ModelCache__ProgressInterval"] = "00:00:00.100",
                ["ConnectionStrings__redis"] = Redis.ConnectionString,
            },
        }));
        Gateway = Add(ServiceProcess.Start("Gateway", gatewayPort, new ServiceOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["Gateway__AdminKey"] = AdminKey,
                ["Gateway__UpstreamApiKey"] = InferenceApiKey,
                ["Gateway__UpstreamAdminKey"] = InferenceAdminKey,
                ["services__inference__http__0"] = inferenceUrl,
                ["Gateway__HealthCheckInterval"] = "00:00:01",
                ["Gateway__ModelRefreshInterval"] = "00:00:01",
                ["ConnectionStrings__redis"] = Redis.ConnectionString,
            },
            HealthKey = AdminKey,
        }));
        Dashboard = Add(ServiceProcess.Start("AdminDashboard", dashboardPort, new ServiceOptions
        {
            Environment = new Dictionary<string, string>
            {
                ["Dashboard__AdminKey"] = AdminKey,
                ["Dashboard__InferenceApiKey"] = InferenceApiKey,
                ["services__gateway__http__0"] = gatewayUrl,
                ["services__modelcache__http__0"] = cacheUrl,
                ["services__inference__http__0"] = inferenceUrl,
                ["Dashboard__RefreshInterval"] = "00:00:01",
                ["Dashboard__MetricsInterval"] = "00:00:00.500",
                ["ConnectionStrings__redis"] = Redis.ConnectionString,
            },
        }));

        var browser = LaunchBrowserAsync();
        await Task.WhenAll(
            Inference.WaitHealthyAsync(TimeSpan.FromSeconds(90)),
            ModelCache.WaitHealthyAsync(TimeSpan.FromSeconds(90)),
            Gateway.WaitHealthyAsync(TimeSpan.FromSeconds(90), health => GatewayHealth.ReplicasReady(health, 1)),
            Dashboard.WaitHealthyAsync(TimeSpan.FromSeconds(90)),
            browser);
        // Tests that call the replica straight send its key, like the gateway does.
        Inference.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", InferenceApiKey);
    }

    private ServiceProcess Add(ServiceProcess service)
    {
        _services.Add(service);
        return service;
    }

    private async Task LaunchBrowserAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = HeadlessChromium.ExecutablePath, Headless = true, Args = HeadlessChromium.Args,
        });
    }

    /// <summary>A new browser context (own cookies) and page on the dashboard.</summary>
    public async Task<DashboardPage> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Dashboard.Url,
            ViewportSize = new ViewportSize { Width = 1360, Height = 900 },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(60_000);   // a loaded 2-core CI machine renders slowly; waits end as soon as the page is ready
        return new DashboardPage(context, await context.NewPageAsync(), this);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        await Task.WhenAll(_services.Select(s => s.DisposeAsync().AsTask()));
        if (Hub is not null) await Hub.DisposeAsync();
        if (Redis is not null) await Redis.DisposeAsync();
        try
        {
            Directory.Delete(_scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<Platform>
{
    public const string Name = "platform";
}
