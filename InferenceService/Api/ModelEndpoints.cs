using System.Reflection;
using System.Text.Json;
using InferenceService.Serving;

namespace InferenceService.Api;

/// <summary>GET /v1/models, POST /tokenize, POST /detokenize, GET /version (vLLM's shapes).</summary>
public static class ModelEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context, ModelRegistry models, ILogger<ServedModel> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var ready = models.Ready.Select(m => m.Served).OfType<ServedModel>().ToList();
                // Before any model is ready, the startup model's state answers (503 loading or failed), as with one model.
                if (ready.Count == 0) (await models.AcquireAsync(null, context.RequestAborted)).Dispose();
                await context.Response.WriteAsJsonAsync(new
                {
                    @object = "list",
                    // Each model, then its LoRA adapters with the model as their parent (vLLM's root is the folder it loaded; a
                    // filesystem path is never shown to clients, so root is the name).
                    data = ready.SelectMany(served => new[] { (Id: served.Name, Created: served.Created, Parent: (string?)null, Served: served) }
                        .Concat((served.Engine.Loras?.Loaded ?? []).Select(a => (Id: a.Name, a.Created, Parent: (string?)(a.Module.BaseModelName ?? served.Name), Served: served))))
                        .Select(m => new
                    {
                        id = m.Id,
                        @object = "model",
                        created = m.Created.ToUnixTimeSeconds(),
                        owned_by = "inference-service",
                        root = m.Id,
                        parent = m.Parent,
                        max_model_len = m.Served.MaxModelLen,
                    }),
                }, ServerSentEvents.Json);
            }));

        app.MapPost("/tokenize", (HttpContext context, ModelRegistry models, ILogger<ServedModel> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var body = await JsonRequest.ReadAsync(context.Request, context.RequestAborted);
                using var lease = await models.AcquireAsync(body.String("model"), context.RequestAborted);
                var served = lease.Served;
                var engine = served.Engine;
                IReadOnlyList<int> tokens;
                if (body.Has("messages"))
                {
                    var chat = new ChatPrompt(ChatMessages.Read(body), Tools.ChatToolsRequest.Read(body).Definitions, ChatPrompt.ReadTemplateArguments(body),
                        body.Bool("add_generation_prompt") ?? true);
                    var (_, rendered) = ChatCompletionsEndpoint.RenderPrompt(served, engine.Tokenizer, chat);
                    tokens = body.Bool("add_special_tokens") ?? false ? [.. BosPrefix(engine), .. rendered] : rendered;
                }
                else
                {
                    var prompt = body.String("prompt") ?? throw ApiException.BadRequest("'prompt' or 'messages' is required.", "prompt");
                    tokens = engine.Tokenizer.Encode(prompt, body.Bool("add_special_tokens") ?? true);
                }
                bool strings = body.Bool("return_token_strs") ?? false;
                await context.Response.WriteAsJsonAsync(new
                {
                    count = tokens.Count,
                    max_model_len = engine.MaxModelLen,
                    tokens,
                    token_strs = strings ? tokens.Select(t => engine.Tokenizer.IdToToken(t)).ToArray() : null,
                }, ServerSentEvents.Json);
            }));

        app.MapPost("/detokenize", (HttpContext context, ModelRegistry models, ILogger<ServedModel> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var body = await JsonRequest.ReadAsync(context.Request, context.RequestAborted);
                using var lease = await models.AcquireAsync(body.String("model"), context.RequestAborted);
                var engine = lease.Served.Engine;
                if (!body.Has("tokens")) throw ApiException.BadRequest("'tokens' is required.", "tokens");
                var tokens = body.Ints("tokens");
                if (tokens.Any(t => t < 0 || t >= engine.Config.VocabSize))
                    throw ApiException.BadRequest($"'tokens' must be token ids in [0, {engine.Config.VocabSize}).", "tokens");
                await context.Response.WriteAsJsonAsync(new { prompt = engine.Tokenizer.Decode(tokens, skipSpecialTokens: false) }, ServerSentEvents.Json);
            }));

        app.MapGet("/version", () => Results.Json(new
        {
            version = typeof(ModelEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
        }));
    }

    private static int[] BosPrefix(Engine.Core.LlmEngine engine) =>
        engine.Tokenizer.BosTokenId is { } bos ? [bos] : [];
}
