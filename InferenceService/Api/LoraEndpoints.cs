using Engine.Lora;
using InferenceService.Hosting;
using InferenceService.Serving;

namespace InferenceService.Api;

/// <summary>
/// vLLM's runtime adapter API (behind --admin-key, see AdminAccess): POST /v1/load_lora_adapter {lora_name, lora_path} and
/// POST /v1/unload_lora_adapter {lora_name}, answered as vLLM does (200 with a plain-text success line). Unloading takes
/// the name away at once; requests already running on the adapter finish with it. Adapters load onto the startup model
/// (the one the flags name), as vLLM's single base model. A lora_path that is a Hugging Face repo id is pulled through
/// the model cache first.
/// </summary>
public static class LoraEndpoints
{
    public const string LoadRoute = "/v1/load_lora_adapter";
    public const string UnloadRoute = "/v1/unload_lora_adapter";

    private static readonly IReadOnlySet<string> NoOtherFields = new HashSet<string>();

    public static void Map(WebApplication app)
    {
        app.MapPost(LoadRoute, (HttpContext context, ModelRegistry models, IServiceProvider services, ILogger<ServedModel> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var body = await JsonRequest.ReadAsync(context.Request, context.RequestAborted);
                string? name = body.String("lora_name"), path = body.String("lora_path");
                body.RefuseUnread(NoOtherFields, LoadRoute);
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(path))
                    throw ApiException.BadRequest("Both 'lora_name' and 'lora_path' must be provided.", string.IsNullOrEmpty(name) ? "lora_name" : "lora_path");
                if (models.Models.Any(m => m.Name == name)) throw ApiException.BadRequest($"The lora adapter '{name}' would hide the served model of that name.", "lora_name");
                using var lease = await models.AcquireAsync(null, context.RequestAborted);
                var adapters = Registry(lease.Served);
                try
                {
                    var local = await LoraAdapterSource.LocalPathAsync(path, services, context.RequestAborted);
                    await Task.Run(() => adapters.Load(new LoraModule(name, local)), context.RequestAborted);
                }
                catch (LoraAdapterException error)
                {
                    throw ApiException.BadRequest(error.Message, "lora_path");
                }
                catch (InvalidOperationException error)   // the model cache could not pull it (unknown or gated repo, ...)
                {
                    throw ApiException.BadRequest($"LoRA adapter '{name}' ({path}): {error.Message}", "lora_path");
                }
                catch (HttpRequestException error)
                {
                    throw new ApiException(503, $"LoRA adapter '{name}' ({path}): the model cache cannot be reached: {error.Message}") { RetryAfterSeconds = 5 };
                }
                logger.LogInformation("Loaded LoRA adapter {Name} from {Path}", name, path);
                await Results.Text($"Success: LoRA adapter '{name}' added successfully.").ExecuteAsync(context);
            }));

        app.MapPost(UnloadRoute, (HttpContext context, ModelRegistry models, ILogger<ServedModel> logger) =>
            ApiResults.Handle(context, logger, async _ =>
            {
                var body = await JsonRequest.ReadAsync(context.Request, context.RequestAborted);
                var name = body.String("lora_name");
                body.RefuseUnread(NoOtherFields, UnloadRoute);
                if (string.IsNullOrEmpty(name)) throw ApiException.BadRequest("'lora_name' needs to be provided to unload a LoRA adapter.", "lora_name");
                var withLora = models.Ready.Select(m => m.Served?.Engine.Loras).OfType<LoraRegistry>().ToList();
                if (withLora.Count == 0) Registry(null);
                if (!withLora.Any(adapters => adapters.Unload(name)))
                    throw new ApiException(404, $"The lora adapter '{name}' cannot be found.", "lora_name", "model_not_found");
                logger.LogInformation("Unloaded LoRA adapter {Name}", name);
                await Results.Text($"Success: LoRA adapter '{name}' removed successfully.").ExecuteAsync(context);
            }));
    }

    private static LoraRegistry Registry(ServedModel? served) =>
        served?.Engine.Loras ?? throw ApiException.BadRequest("LoRA is not enabled: start the server with --enable-lora to load adapters.");
}
