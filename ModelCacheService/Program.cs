// ModelCacheService: pulls Hugging Face models into a huggingface_hub-layout cache and serves them to the engine.
// Configuration (environment, huggingface_hub's names): HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE,
// ConnectionStrings__redis (shared pull state), ModelCache__* (download tuning). See README.md, "ModelCacheService".
using CommandLineFlags;
using ModelCacheService.Api;
using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;

if (!ServiceCommandLine.Check(args, [.. OptionsFlags.Of<DownloadSettings>(DownloadSettings.SectionName), .. HubSettings.Keys.Select(KnownFlag.Value)]))
    return CommandLineException.ExitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var hub = HubSettings.FromConfiguration(builder.Configuration);
var downloads = builder.Configuration.GetSection(DownloadSettings.SectionName).Get<DownloadSettings>() ?? new DownloadSettings();
builder.Services.AddSingleton(hub);
builder.Services.AddSingleton(downloads);
builder.Services.ConfigureHttpJsonOptions(options => JsonDefaults.Apply(options.SerializerOptions));
builder.Services.AddHubClient(downloads);
builder.Services.AddPullStore(builder.Configuration);
builder.Services.AddSingleton<BlobLocks>();
builder.Services.AddSingleton<CacheScanner>();
builder.Services.AddTransient<BlobDownloader>();
builder.Services.AddTransient<PullJob>();
builder.Services.AddSingleton<PullCoordinator>();
builder.Services.AddHostedService(services => services.GetRequiredService<PullCoordinator>());

var app = builder.Build();
app.UseOpenAiErrorBodies();
app.MapDefaultEndpoints();
app.MapPullEndpoints();
app.MapModelEndpoints();
app.MapGet("/", () => Results.Text("ModelCacheService is running. API: /api/models, /api/models/pull. Health: /health"));

app.Logger.LogInformation("Hub {Endpoint} ({Token}), cache {Cache}{Offline}, pull state {Store}",
    hub.Endpoint, hub.Token is null ? "no token" : "token set", hub.CacheDirectory, hub.Offline ? ", OFFLINE (HF_HUB_OFFLINE)" : "",
    app.Services.GetRequiredService<IPullStore>().GetType().Name);
app.Run();
return 0;
