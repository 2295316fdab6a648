using System.Runtime.CompilerServices;
using Engine.Chat;
using Engine.Core;

namespace InferenceService.Api;

/// <summary>A model being served, as a request sees it: its public name, its loaded engine, its chat template and how its
/// chat output is parsed. Requests get it from <see cref="Serving.ModelRegistry.Acquire"/>.</summary>
public sealed class ServedModel(string name, LlmEngine engine, string? chatTemplateFlag, ChatParsers parsers)
{
    public string Name => name;

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public LlmEngine Engine => engine;

    /// <summary>The engine for a generation endpoint (<paramref name="route"/>): a 400 when it runs a pooling model.</summary>
    public LlmEngine GenerationEngine(string route) => engine.Options.Runner == EngineRunner.Pooling
        ? throw ApiException.BadRequest($"This server runs with --runner pooling: it serves /v1/embeddings, not {route}.", "model")
        : engine;

    public int MaxModelLen => engine.MaxModelLen;

    public ChatParsers Parsers => parsers;

    /// <summary>--chat-template (a file or the template itself), else the model's (tokenizer_config.json's
    /// chat_template, a GGUF's tokenizer.chat_template, or --tokenizer's folder's); null if none.</summary>
    public string? ChatTemplate => (_chatTemplate ??= new(!string.IsNullOrEmpty(chatTemplateFlag)
        ? File.Exists(chatTemplateFlag) ? File.ReadAllText(chatTemplateFlag) : chatTemplateFlag
        : engine.ChatTemplate)).Value;

    private StrongBox<string?>? _chatTemplate;
}
