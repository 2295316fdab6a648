using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatTemplates;
using Engine.Chat;
using Engine.Chat.Reasoning;
using Engine.Chat.Tools;
using Engine.Core;
using Engine.Tokenization;
using Microsoft.Extensions.AI;

namespace Engine.Extensions.AI;

/// <summary>
/// An <see cref="IChatClient"/> running the engine in this process: the conversation rendered with the model's chat
/// template, generated with continuous batching alongside every other call, streamed as a <see cref="ChatResponseUpdate"/>
/// per piece of text, and parsed as the server parses it (reasoning, tool calls as <see cref="FunctionCallContent"/>).
/// Cancelling a call aborts its sequence in the engine, which frees its KV blocks. The client owns its engine.
/// </summary>
public sealed class LocalChatClient : IChatClient
{
    private readonly LlmEngine _engine;
    private readonly string? _template;
    private readonly ChatParsers _parsers;
    private readonly ChatClientMetadata _metadata;

    public LocalChatClient(LocalLlmOptions options)
    {
        var syntax = ToolCallSyntax.ByName(options.ToolCallParser);
        _parsers = new ChatParsers(autoToolChoice: true, syntax, options.ReasoningParser is { } reasoning ? ReasoningParser.ByName(reasoning) : null);
        _engine = new LlmEngine(options.Engine with { Runner = EngineRunner.Generate });
        _template = options.ChatTemplate ?? _engine.ChatTemplate;
        _metadata = new ChatClientMetadata("Engine", null, ServedModelName.Resolve(null, options.Engine.Model));
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (options?.ModelId is { } model && model != _metadata.DefaultModelId)
            throw new NotSupportedException($"ChatOptions.ModelId '{model}': this client runs '{_metadata.DefaultModelId}' only.");
        var tools = ChatOptionsReader.Tools(options);
        var syntax = tools.Choice.Mode == ToolChoiceMode.None ? null : _parsers.ToolCalls;
        var (text, prompt) = Render(ChatConversation.Messages(messages, options?.Instructions), tools);
        var sampling = ChatOptionsReader.Sampling(options, _engine, prompt.Count, ToolCallGrammar.ForChoice(_engine, tools, syntax));
        var parser = ChatOutputParser.For(_parsers, text, syntax, tools);
        IReadOnlyList<string> stops = [.. options?.StopSequences?.Where(s => s.Length > 0) ?? []];

        string responseId = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var sequence = _engine.Add(responseId, prompt, sampling);
        var calls = new List<(string Id, string Name, System.Text.StringBuilder Arguments)>();
        ChatResponseUpdate Update(IList<AIContent> contents, ChatFinishReason? finish = null) => new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId, MessageId = responseId, ModelId = _metadata.DefaultModelId, CreatedAt = DateTimeOffset.UtcNow, FinishReason = finish,
        };
        try
        {
            // Special tokens stay in the text when a tool-call parser reads it (markers such as [TOOL_CALLS]), as on the server.
            var detokenizer = new IncrementalDetokenizer(_engine.Tokenizer, prompt, skipSpecialTokens: syntax is null);
            string pending = "";
            int generated = 0;
            await foreach (var output in sequence.Output.Reader.ReadAllAsync(cancellationToken))
            {
                generated++;
                if (!(syntax is not null && output.FinishReason == FinishReason.Stop)) pending += detokenizer.Add(output.TokenId);
                var finish = output.FinishReason;
                if (finish is not null) pending += detokenizer.Flush();
                if (TextMarkers.First(pending, stops) is var (at, _) && at >= 0)
                {
                    _engine.Abort(sequence, FinishReason.Stop);
                    (pending, finish) = (pending[..at], FinishReason.Stop);
                }
                int hold = finish is null ? TextMarkers.PartialTail(pending, stops) : 0;   // it may be the start of a stop sequence
                var pieces = new List<ChatDelta>(parser.Add(pending[..^hold]));
                pending = pending[^hold..];
                if (finish is not null) pieces.AddRange(parser.Finish());
                var contents = new List<AIContent>();
                foreach (var piece in pieces)
                {
                    switch (piece)
                    {
                        case ContentDelta content: contents.Add(new TextContent(content.Text)); break;
                        case ReasoningDelta reasoning: contents.Add(new TextReasoningContent(reasoning.Text)); break;
                        case ToolCallStart start: calls.Add((start.Id, start.Name, new())); break;
                        case ToolCallArguments arguments: calls[^1].Arguments.Append(arguments.Fragment); break;
                    }
                }
                if (contents.Count > 0) yield return Update(contents);
                if (finish is null) continue;

                var ending = new List<AIContent>(calls.Select(c => (AIContent)FunctionCallContent.CreateFromParsedArguments(c.Arguments.ToString(), c.Id, c.Name, Arguments)))
                {
                    new UsageContent(new UsageDetails { InputTokenCount = prompt.Count, OutputTokenCount = generated, TotalTokenCount = prompt.Count + generated }),
                };
                yield return Update(ending, calls.Count > 0 ? ChatFinishReason.ToolCalls : finish == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop);
                yield break;
            }
        }
        finally
        {
            if (!sequence.IsFinished) _engine.Abort(sequence);   // cancelled or abandoned: free its KV blocks now
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(LlmEngine) ? _engine
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _engine.Dispose();

    /// <summary>The prompt's text and token ids: rendered with the chat template (which supplies BOS), or for a model
    /// without one, the messages' text as a completion prompt.</summary>
    private (string Text, IReadOnlyList<int> Ids) Render(System.Text.Json.Nodes.JsonArray messages, ChatTools tools)
    {
        var tokenizer = _engine.Tokenizer;
        if (_template is null)
        {
            if (tools.Definitions is not null)
                throw new NotSupportedException("ChatOptions.Tools: this model has no chat template to show them to the model; set LocalLlmOptions.ChatTemplate.");
            var plain = ChatConversation.PlainText(messages);
            return (plain, tokenizer.Encode(plain));
        }
        var variables = new Dictionary<string, object?> { ["tools"] = tools.Definitions };
        var text = ChatTemplateRenderer.Render(_template, JsonSerializer.SerializeToElement(messages), tokenizer.BosToken, tokenizer.EosToken, true, variables);
        return (text, tokenizer.Encode(text, addSpecialTokens: false));
    }

    private static IDictionary<string, object?>? Arguments(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(json.Length == 0 ? "{}" : json, AIJsonUtilities.DefaultOptions);
}
