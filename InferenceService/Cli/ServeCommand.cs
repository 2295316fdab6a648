using CommandLineFlags;
using Engine.Chat;
using Engine.Configuration;
using InferenceService.Api;
using InferenceService.Embeddings;
using InferenceService.Hosting;
using InferenceService.Metrics;
using InferenceService.Responses;
using InferenceService.Serving;

namespace InferenceService.Cli;

/// <summary>The default verb: the HTTP server. /health answers 503 while the startup model loads, 200 once it serves, and 503 again
/// while it drains after SIGTERM (<see cref="ReplicaDrain"/>).</summary>
public static class ServeCommand
{
    public static FlagSet Flags => EngineFlags.Serve;

    public static async Task<int> RunAsync(CommandLine args)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(args.ToConfiguration());
        string host = args.Get("host") ?? builder.Configuration["Engine:Host"] ?? "127.0.0.1";
        if (args.GetInt("port") is { } port || int.TryParse(builder.Configuration["Engine:Port"], out port))
            builder.WebHost.UseUrls($"http://{(host == "0.0.0.0" ? "*" : host)}:{port}");
        else if (new[] { "ASPNETCORE_URLS", "urls", "HTTP_PORTS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS" }.All(k => string.IsNullOrEmpty(builder.Configuration[k])))
            builder.WebHost.UseUrls($"http://{host}:8000");

        builder.AddServiceDefaults();
        builder.Services.AddSingleton(ModelSpecReader.FromFlags(builder.Configuration));
        builder.Services.AddSingleton(ServingSettings.Read(builder.Configuration));
        builder.Services.AddSingleton(ChatParserFlags.Read(builder.Configuration));
        builder.Services.AddSingleton(PoolingSettings.Read(builder.Configuration));
        var modelCacheKey = builder.Configuration["ModelCache:ApiKey"];   // ModelCache__ApiKey, as the AppHost gives it to modelcache
        builder.Services.AddHttpClient<ModelCacheClient>(http =>
        {
            http.BaseAddress = new Uri("http://modelcache/");   // resolved by service discovery (services__modelcache__http__0)
            if (!string.IsNullOrEmpty(modelCacheKey)) http.DefaultRequestHeaders.Authorization = new("Bearer", modelCacheKey);
        });
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelRegistry>());
        builder.Services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        // The drain runs while the host stops: the host must allow it, and the server's and engine's stop after it.
        var shutdownTimeout = ShutdownTimeout.Parse(builder.Configuration["Engine:ShutdownTimeout"]);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout.GracePeriod(shutdownTimeout));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ReplicaDrain>(sp, shutdownTimeout));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaDrain>());

        var app = builder.Build();
        // --api-key (Engine:ApiKey), else vLLM's VLLM_API_KEY variable; empty is unset, as in vLLM. Probes and scrapes stay open.
        var apiKey = builder.Configuration["Engine:ApiKey"] is { Length: > 0 } flag ? flag : builder.Configuration["VLLM_API_KEY"];
        if (!string.IsNullOrEmpty(apiKey))
            app.UseBearerKey(apiKey, path => ApiPaths.Contains(path) && !AdminAccess.Contains(path),
                "No API key provided: send it as 'Authorization: Bearer <key>' (this server was started with --api-key).");
        app.UseAdminKey(builder.Configuration["Engine:AdminKey"]);
        app.UseMiddleware<DrainMiddleware>();
        app.UseJsonRequestBodies();
        app.MapDefaultEndpoints(metricsPath: "/metrics/otel");
        app.MapGet("/metrics", (ModelRegistry models) =>
            Results.Text(VllmMetrics.Render(models.Ready.Select(m => m.Metrics).OfType<VllmMetrics>().ToList()), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapPost(CompletionsEndpoint.Route, GenerationEndpoint.HandleAsync<CompletionsEndpoint>);
        app.MapPost(ChatCompletionsEndpoint.Route, GenerationEndpoint.HandleAsync<ChatCompletionsEndpoint>);
        app.MapPost(EmbeddingsEndpoint.Route, EmbeddingsEndpoint.HandleAsync);
        app.MapPost(ResponsesEndpoint.Route, ResponsesEndpoint.HandleAsync);
        ModelEndpoints.Map(app);
        LoraEndpoints.Map(app);
        AdminModelEndpoints.Map(app);
        app.MapGet("/", () => Results.Text("InferenceService: OpenAI-compatible API over the engine. Health: /health"));
        app.MapFallback((HttpContext context) =>
            Results.Json(new ApiException(404, $"Unknown path {context.Request.Path}.", code: "unknown_path").Body(), statusCode: StatusCodes.Status404NotFound));
        await app.RunAsync();
        return 0;
    }
}
