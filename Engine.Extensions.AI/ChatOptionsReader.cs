using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Chat.Tools;
using Engine.Core;
using Engine.Sampling;
using Engine.StructuredOutput;
using Microsoft.Extensions.AI;

namespace Engine.Extensions.AI;

/// <summary>
/// ChatOptions as the engine's terms: sampling (temperature, top_p, top_k, penalties, seed, max output tokens), the
/// tools (AIFunctionDeclarations, in OpenAI's chat shape for the template), the tool mode (a required mode forces
/// calls through <see cref="ToolCallGrammar"/>) and the response format (JSON, with or without a schema, as a
/// structured-output grammar). An option this client cannot honour is a NotSupportedException naming it.
/// </summary>
internal static class ChatOptionsReader
{
    public static ChatTools Tools(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
            return options?.ToolMode is RequiredChatToolMode
                ? throw new NotSupportedException("ChatOptions.ToolMode requires a tool call, but ChatOptions.Tools is empty.")
                : ChatTools.None;
        var definitions = new JsonArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
                throw new NotSupportedException($"ChatOptions.Tools: {tool.GetType().Name} '{tool.Name}' is not supported; only functions (AIFunctionDeclaration) are.");
            if (!names.Add(function.Name)) throw new ArgumentException($"ChatOptions.Tools: the function '{function.Name}' is given twice.", nameof(options));
            definitions.Add(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = function.Name, ["description"] = function.Description, ["parameters"] = JsonNode.Parse(function.JsonSchema.GetRawText()),
                },
            });
        }
        var choice = options.ToolMode switch
        {
            null or AutoChatToolMode => ToolChoice.Auto,
            NoneChatToolMode => ToolChoice.None,
            RequiredChatToolMode { RequiredFunctionName: null } => ToolChoice.Required,
            RequiredChatToolMode { RequiredFunctionName: { } name } => names.Contains(name)
                ? new ToolChoice(ToolChoiceMode.Named, name)
                : throw new ArgumentException($"ChatOptions.ToolMode requires the function '{name}', which ChatOptions.Tools does not have.", nameof(options)),
            var other => throw new NotSupportedException($"ChatOptions.ToolMode {other.GetType().Name} is not supported."),
        };
        return new ChatTools(JsonSerializer.SerializeToElement(definitions), names, choice, options.AllowMultipleToolCalls ?? true);
    }

    /// <summary>The sampling parameters for a prompt of <paramref name="promptTokens"/> tokens, constrained by a forced tool
    /// call (<paramref name="forcedCalls"/>) or the response format.</summary>
    public static SamplingParams Sampling(ChatOptions? options, LlmEngine engine, int promptTokens, CompiledGrammar? forcedCalls)
    {
        RefuseUnsupported(options);
        var format = options?.ResponseFormat switch
        {
            null or ChatResponseFormatText => null,
            ChatResponseFormatJson { Schema: { } schema } => Grammar.Json(schema),
            ChatResponseFormatJson => Grammar.JsonObject,
            var other => throw new NotSupportedException($"ChatOptions.ResponseFormat {other.GetType().Name} is not supported."),
        };
        if (format is not null && forcedCalls is not null)
            throw new NotSupportedException("ChatOptions.ResponseFormat cannot be combined with a ToolMode that requires a call: both constrain the output.");
        return new SamplingParams
        {
            Temperature = options?.Temperature ?? 1f,
            TopP = options?.TopP ?? 1f,
            TopK = options?.TopK ?? 0,
            Seed = options?.Seed,
            PresencePenalty = options?.PresencePenalty ?? 0f,
            FrequencyPenalty = options?.FrequencyPenalty ?? 0f,
            MaxTokens = options?.MaxOutputTokens ?? Math.Max(1, engine.MaxModelLen - promptTokens),
            StructuredOutput = forcedCalls ?? (format is null ? null : engine.CompileGrammar(format)),
        };
    }

    private static void RefuseUnsupported(ChatOptions? options)
    {
        if (options is null) return;
        Refuse(options.ConversationId is not null, "ConversationId", "this client keeps no conversations; send the whole conversation");
        Refuse(options.ContinuationToken is not null, "ContinuationToken", "there are no background responses to continue");
        Refuse(options.AllowBackgroundResponses == true, "AllowBackgroundResponses", "responses are generated while you wait");
        Refuse(options.Reasoning is not null, "Reasoning", "a reasoning model thinks as LocalLlmOptions.ReasoningParser says");
        Refuse(options.RawRepresentationFactory is not null, "RawRepresentationFactory", "there is no underlying client's request to make");
        Refuse(options.AdditionalProperties is { Count: > 0 }, "AdditionalProperties", "no extra option is known to this client");
    }

    private static void Refuse(bool refused, string option, string why)
    {
        if (refused) throw new NotSupportedException($"ChatOptions.{option} is not supported: {why}.");
    }
}
