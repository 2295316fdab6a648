using Engine.Chat;
using Engine.Core;
using Engine.Lora;
using InferenceService.Hosting;

namespace InferenceService.Api;

/// <summary>What this server serves: its public model name, its engine once loaded, its chat template and how its chat output is parsed.</summary>
public sealed class ServedModel(EngineHost host, IConfiguration configuration, ChatParsers parsers)
{
    public string Name { get; } = ServedModelName.Resolve(configuration["Engine:ServedModelName"], configuration["Engine:Model"]);

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    /// <summary>The engine, or a 503 while the model is still loading (or failed to load).</summary>
    public LlmEngine Engine => host.Engine ?? throw (host.LoadError is { } error
        ? new ApiException(503, $"The model failed to load: {error.Message}") { RetryAfterSeconds = 5, ReplicaState = ReplicaStateHeader.Failed }
        : new ApiException(503, "The model is still loading; retry shortly.") { RetryAfterSeconds = 5, ReplicaState = ReplicaStateHeader.Loading });

    /// <summary>The engine for a generation endpoint (<paramref name="route"/>): a 400 when it runs a pooling model.</summary>
    public LlmEngine GenerationEngine(string route) => Engine.Options.Runner == EngineRunner.Pooling
        ? throw ApiException.BadRequest($"This server runs with --runner pooling: it serves /v1/embeddings, not {route}.", "model")
        : Engine;

    /// <summary>What the request's "model" names: this model (or none: null), one of its LoRA adapters (that adapter), else a 404.</summary>
    public LoraAdapter? Check(string? requested) => requested is null || requested == Name ? null
        : host.Engine?.Loras?.Find(requested) ?? throw new ApiException(404, $"The model `{requested}` does not exist.", "model", "model_not_found");

    public int MaxModelLen => Engine.MaxModelLen;

    public ChatParsers Parsers => parsers;

    private string? _chatTemplate;
    private bool _templateLoaded;

    /// <summary>--chat-template (a file or the template itself), else the model's (tokenizer_config.json's
    /// chat_template, a GGUF's tokenizer.chat_template, or --tokenizer's folder's); null if none.</summary>
    public string? ChatTemplate
    {
        get
        {
            if (_templateLoaded) return _chatTemplate;
            var flag = configuration["Engine:ChatTemplate"];
            _chatTemplate = !string.IsNullOrEmpty(flag) ? File.Exists(flag) ? File.ReadAllText(flag) : flag : Engine.ChatTemplate;
            _templateLoaded = true;
            return _chatTemplate;
        }
    }
}
