// A fast imitation of InferenceService's OpenAI endpoints for the gateway's tests and benchmark.
// Usage: dotnet Gateway.TestBackend.dll --urls http://127.0.0.1:PORT --name b1 --models model-a,model-b [--loading model-c] [--record false]
// (--loading: models its GET /admin/models reports as still loading, as a replica does while it loads one).
using System.Text.Json;
using Gateway.TestBackend;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var state = new BackendState(
    builder.Configuration["name"] ?? "backend",
    (builder.Configuration["models"] ?? "test-model").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
    record: !string.Equals(builder.Configuration["record"], "false", StringComparison.OrdinalIgnoreCase));

var app = builder.Build();
app.Use((context, next) =>
{
    // Which replica answered, and the trace context it received: for tests to check routing and propagation.
    context.Response.Headers["x-backend-name"] = state.Name;
    if (context.Request.Headers.TryGetValue("traceparent", out var traceparent))
        context.Response.Headers["x-received-traceparent"] = traceparent;
    return next(context);
});

app.MapGet("/health", () => state.Healthy
    ? Results.Json(new { status = "Healthy" })
    : Results.Json(new { status = "Unhealthy" }, statusCode: 503));
app.MapGet("/v1/models", () => Results.Json(new
{
    @object = "list",
    data = state.Models.Select(m => new { id = m, @object = "model", created = 0, owned_by = state.Name, max_model_len = 2048 }),
}));
var loading = (builder.Configuration["loading"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
app.MapGet("/admin/models", () => Results.Json(new
{
    @object = "list",
    data = state.Models.Select(m => new { name = m, state = "ready" }).Concat(loading.Select(m => new { name = m, state = "loading" })),
}));
app.MapPost("/v1/chat/completions", (HttpContext context) => CompletionEndpoint.HandleAsync(context, state));
app.MapPost("/v1/completions", (HttpContext context) => CompletionEndpoint.HandleAsync(context, state));
app.MapPost("/tokenize", async (HttpContext context) =>
{
    using var body = await JsonDocument.ParseAsync(context.Request.Body);
    var prompt = body.RootElement.TryGetProperty("prompt", out var p) ? p.GetString() ?? "" : "";
    var count = prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
    state.Record(new ReceivedRequest(context.Request.Headers["x-request-id"].FirstOrDefault() ?? "", "/tokenize",
        body.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null, false, false,
        context.Request.Headers.Authorization.FirstOrDefault(), null));
    return Results.Json(new { count, max_model_len = 2048, tokens = Enumerable.Range(1, count) });
});
app.MapPost("/detokenize", () => Results.Json(new { prompt = "detokenized" }));

app.MapGet("/test/requests", () => Results.Json(state.Received));
app.MapPost("/test/release/{id}", (string id) =>
{
    state.Release(id);
    return Results.Ok();
});
app.MapPost("/test/close-without-answer/{count:int}", (int count) =>
{
    state.CloseWithoutAnswer(count);
    return Results.Ok();
});
app.MapPost("/test/health/{healthy:bool}", (bool healthy) =>
{
    state.Healthy = healthy;
    return Results.Ok();
});
app.Run();
