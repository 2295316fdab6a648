using Engine.Backends;
using InferenceService.Api;

namespace InferenceService.Serving;

/// <summary>
/// The replica's model management API (behind --admin-key): GET /admin/models lists every model with its state and memory;
/// POST /admin/models loads one (202: the load runs in the background, its progress in GET; the same model asked for while
/// it loads joins that load); DELETE /admin/models/{name}?grace=30s unloads one (202: drained in the background, gone from
/// GET once its memory is freed).
/// </summary>
public static class AdminModelEndpoints
{
    public const string Route = "/admin/models";

    /// <summary>How long a DELETE lets running requests finish when it names no grace.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(30);

    public static void Map(WebApplication app)
    {
        app.MapGet(Route, (HttpContext context, ModelRegistry models, ILogger<ModelRegistry> logger) =>
            ApiResults.Handle(context, logger, _ => context.Response.WriteAsJsonAsync(new
            {
                @object = "list",
                max_memory_bytes = models.Settings.MaxMemory,
                used_memory_bytes = models.Models.Sum(m => m.MemoryBytes),
                load_on_demand = models.Settings.LoadOnDemand,
                data = models.Models.OrderBy(m => m.Name, StringComparer.Ordinal).Select(Entry),
            }, ServerSentEvents.Json)));

        app.MapPost(Route, (HttpContext context, ModelRegistry models, IConfiguration configuration, ILogger<ModelRegistry> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var body = await JsonRequest.ReadAsync(context.Request, context.RequestAborted);
                var instance = models.Deploy(ModelSpecReader.FromBody(body, configuration), out bool joined);
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsJsonAsync(new { joined, model = Entry(instance) }, ServerSentEvents.Json);
            }));

        // A catch-all: a name may be a repo id (org/name).
        app.MapDelete(Route + "/{**name}", (string name, HttpContext context, ModelRegistry models, ILogger<ModelRegistry> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var grace = context.Request.Query["grace"] is { Count: > 0 } text
                    ? Duration.Parse(text.ToString(), "grace") ?? throw ApiException.BadRequest("'grace' must not be negative.", "grace")
                    : DefaultGrace;
                var instance = models.Remove(name, grace)
                    ?? throw new ApiException(404, $"The model `{name}` does not exist.", "name", "model_not_found");
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                await context.Response.WriteAsJsonAsync(new { grace_seconds = grace.TotalSeconds, model = Entry(instance) }, ServerSentEvents.Json);
            }));
    }

    private static object Entry(ModelInstance model)
    {
        var snapshot = model.Engine?.Snapshot();
        return new
        {
            name = model.Name,
            source = model.Spec.Source,
            state = model.State.ToString().ToLowerInvariant(),
            error = model.Error is { } error ? new
            {
                message = error.Message,
                code = (error as ApiException)?.Code ?? "load_failed",
                status = (error as ApiException)?.Status,
            } : null,
            memory = new { weights_bytes = model.WeightBytes, kv_bytes = model.KvBytes, total_bytes = model.MemoryBytes },
            requests = new { running = snapshot?.Running ?? 0, waiting = snapshot?.Waiting ?? 0, admitted = model.Running },
            kv_cache_usage = snapshot?.KvCacheUsage,
            max_model_len = model.Engine?.MaxModelLen,
            kv_cache_dtype = model.Engine?.KvCacheDType.FlagName(),
            keep_alive_seconds = model.KeepAlive?.TotalSeconds,
            loads = model.Loads,
            loaded_at = model.LoadedAt?.ToUnixTimeSeconds(),
            last_used = model.LastUsed.ToUnixTimeSeconds(),
        };
    }
}
