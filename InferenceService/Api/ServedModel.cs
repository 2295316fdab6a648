using System.Text.Json;
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

    /// <summary>--chat-template (a file or the template itself), else tokenizer_config.json's chat_template; null if none.</summary>
    public string? ChatTemplate
    {
        get
        {
            if (_templateLoaded) return _chatTemplate;
            _chatTemplate = LoadChatTemplate(configuration["Engine:ChatTemplate"], host.Options.Model);
            _templateLoaded = true;
            return _chatTemplate;
        }
    }

    public static string? LoadChatTemplate(string? flag, string modelDirectory)
    {
        if (!string.IsNullOrEmpty(flag)) return File.Exists(flag) ? File.ReadAllText(flag) : flag;
        var path = Path.Combine(modelDirectory, "tokenizer_config.json");
        if (!File.Exists(path)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        if (!json.RootElement.TryGetProperty("chat_template", out var template)) return null;
        return template.ValueKind switch
        {
            JsonValueKind.String => template.GetString(),
            // A list of named templates: the one called "default", else the first.
            JsonValueKind.Array => template.EnumerateArray()
                .OrderBy(t => t.TryGetProperty("name", out var n) && n.GetString() == "default" ? 0 : 1)
                .Select(t => t.GetProperty("template").GetString()).FirstOrDefault(),
            _ => null,
        };
    }
}
