using Engine.Core;
using InferenceService.Chat;
using InferenceService.Hosting;

namespace InferenceService.Api;

/// <summary>What this server serves: its public model name, its engine once loaded, its chat template and how its chat output is parsed.</summary>
public sealed class ServedModel(EngineHost host, IConfiguration configuration, ChatParsers parsers)
{
    public string Name { get; } = ServedModelName.Resolve(configuration["Engine:ServedModelName"], configuration["Engine:Model"]);

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    /// <summary>The engine, or a 503 while the model is still loading (or failed to load).</summary>
    public LlmEngine Engine => host.Engine ?? throw new ApiException(503,
        host.LoadError is { } error ? $"The model failed to load: {error.Message}" : "The model is still loading; retry shortly.")
    { RetryAfterSeconds = 5 };

    /// <summary>404 unless the request names this model (or none).</summary>
    public void Check(string? requested)
    {
        if (requested is not null && requested != Name)
            throw new ApiException(404, $"The model `{requested}` does not exist.", "model", "model_not_found");
    }

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
