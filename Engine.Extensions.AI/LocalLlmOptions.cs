using Engine.Core;
using Engine.Pooling;

namespace Engine.Extensions.AI;

/// <summary>
/// What <see cref="LocalChatClient"/> and <see cref="LocalEmbeddingGenerator"/> run: the engine's options (the model: a
/// Hugging Face folder or a .gguf file; the device, KV cache, batching), the chat template (the model's own when
/// null), the syntax the model writes tool calls in, the reasoning parser, and how embeddings are pooled.
/// </summary>
public sealed record LocalLlmOptions
{
    /// <summary>The engine's options; the runner is set by each client (generate for chat, pooling for embeddings).</summary>
    public required EngineOptions Engine { get; init; }

    /// <summary>A chat template (Jinja text) to use instead of the model's own; a model with neither is chatted with as a
    /// base model: its messages' text, joined by newlines, is the prompt.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>How the model writes tool calls, read under <c>ChatToolMode.Auto</c> and written under a required mode:
    /// hermes (the default), llama3_json or mistral.</summary>
    public string ToolCallParser { get; init; } = "hermes";

    /// <summary>deepseek_r1 or qwen3 to split the model's reasoning off into <c>TextReasoningContent</c>; null: none.</summary>
    public string? ReasoningParser { get; init; }

    /// <summary>How a text's hidden states become its embedding (the server's --pooling-type).</summary>
    public PoolingType Pooling { get; init; } = PoolingType.Last;

    /// <summary>Options for the model at <paramref name="model"/> (a folder or a .gguf file), everything else default.</summary>
    public static LocalLlmOptions ForModel(string model) => new() { Engine = new EngineOptions { Model = model } };
}
