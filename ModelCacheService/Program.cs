// ModelCacheService: pulls Hugging Face models into a huggingface_hub-layout cache and serves them to the engine.
// Configuration (environment, huggingface_hub's names): HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE,
// ConnectionStrings__redis (shared pull state), ModelCache__* (download tuning). See README.md, "ModelCacheService".
using CommandLineFlags;
using ModelCacheService.Api;
using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;
using ModelCacheService.Pulls;

if (!ServiceCommandLine.Check(args, [.. OptionsFlags.Of<DownloadSettings>(DownloadSettings.SectionName),
        .. OptionsFlags.Of<AccessSettings>(DownloadSettings.SectionName), .. HubSettings.Keys.Select(KnownFlag.Value)]))
    return CommandLineException.ExitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var hub = HubSettings.FromConfiguration(builder.Configuration);
var downloads = builder.Configuration.GetSection(DownloadSettings.SectionName).Get<DownloadSettings>() ?? new DownloadSettings();
var access = builder.Configuration.GetSection(DownloadSettings.SectionName).Get<AccessSettings>() ?? new AccessSettings();
builder.Services.AddSingleton(hub);
builder.Services.AddSingleton(downloads);
builder.Services.AddSingleton(access);
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
// The API is for the platform's services (the AppHost wires the key), and takes JSON only: no web page can drive it.
if (!string.IsNullOrEmpty(access.ApiKey))
    app.UseBearerKey(access.ApiKey, path => path.StartsWithSegments("/api"),
        "No API key provided: send ModelCache__ApiKey as 'Authorization: Bearer <key>'.");
else
    app.Logger.LogWarning("ModelCache__ApiKey is not set: the API (pulls, deletes) is open to whoever reaches this service.");
app.UseJsonRequestBodies();
app.MapDefaultEndpoints();
app.MapPullEndpoints();
app.MapModelEndpoints();
app.MapHubFilesEndpoint();
app.MapGet("/", () => Results.Text("ModelCacheService is running. API: /api/models, /api/models/pull, /api/models/{org}/{name}/files. Health: /health"));

app.Logger.LogInformation("Hub {Endpoint} ({Token}), cache {Cache}{Offline}, pull state {Store}",
    hub.Endpoint, hub.Token is null ? "no token" : "token set", hub.CacheDirectory, hub.Offline ? ", OFFLINE (HF_HUB_OFFLINE)" : "",
    app.Services.GetRequiredService<IPullStore>().GetType().Name);
app.Run();
return 0;
