using System.Text.Json;
using ChatTemplates;
using Engine.Chat;
using Engine.Chat.Tools;
using Engine.Tokenization;
using InferenceService.Tools;

namespace InferenceService.Api;

/// <summary>
/// POST /v1/chat/completions: messages (and tools) rendered with the model's chat template, then generated like a
/// completion; each choice's text is parsed into reasoning, content and tool calls as the server's parsers say.
/// tool_choice "required" or a named function constrains the answer to calls (<see cref="ToolCallGrammar"/>).
/// </summary>
public sealed class ChatCompletionsEndpoint : IGenerationEndpoint
{
    public static string Route => "/v1/chat/completions";
    public static string IdPrefix => "chatcmpl-";
    public static string ResponseObject => "chat.completion";
    public static string ChunkObject => "chat.completion.chunk";
    public static IReadOnlySet<string> OpenAiFields => OpenAiRequestFields.Chat;

    public static GenerationCall Read(JsonRequest body, GenerationRequest request, ServedModel served)
    {
        var engine = served.Engine;
        var messages = ChatMessages.Read(body);
        var tools = ChatToolsRequest.Read(body);
        var toolCalls = ToolCallSyntaxFor(tools, served.Parsers);
        bool logprobs = body.Bool("logprobs") ?? false;
        int? topLogprobs = body.Int("top_logprobs", 0, 20);
        if (topLogprobs is not null && !logprobs)
            throw ApiException.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        int? maxTokens = body.Int("max_completion_tokens") ?? request.MaxTokens;
        var chat = new ChatPrompt(messages, tools.Definitions, ChatPrompt.ReadTemplateArguments(body), body.Bool("add_generation_prompt") ?? true);
        var (text, prompt) = RenderPrompt(served, engine.Tokenizer, chat);
        var sampling = request.Sampling with
        {
            MaxTokens = maxTokens ?? Math.Max(1, engine.MaxModelLen - prompt.Count),   // vLLM's default: what the context leaves
            Logprobs = logprobs ? topLogprobs ?? 0 : null,
            StructuredOutput = ToolCallGrammar.ForChoice(engine, tools, toolCalls),
        };
        return new GenerationCall([prompt], sampling, choice => new Choice(choice.Index, engine.Tokenizer, logprobs, tools.Choice.Mode, ChatOutputParser.For(served.Parsers, text, toolCalls, tools)))
        {
            // A parser reads markers the tokenizer may count as special ([TOOL_CALLS], <|python_tag|>): keep them in the text, as vLLM does.
            KeepSpecialTokens = toolCalls is not null,
        };
    }

    /// <summary>The syntax to read (and force) tool calls in, or null when the model's text is all answer (no tools, tool_choice "none").</summary>
    public static ToolCallSyntax? ToolCallSyntaxFor(ChatTools tools, ChatParsers parsers) => tools.Choice.Mode switch
    {
        ToolChoiceMode.None => null,
        ToolChoiceMode.Auto => parsers.AutoToolChoice ? parsers.ToolCalls : throw ApiException.BadRequest(
            "tool_choice \"auto\" (the default when 'tools' are given) requires the server to run with --enable-auto-tool-choice and " +
            "--tool-call-parser; send tool_choice \"none\" to use the tools only in the prompt.", "tool_choice"),
        _ => parsers.ToolCalls ?? ToolCallGrammar.DefaultSyntax,   // required or named: the calls are forced, in any model
    };

    /// <summary>Renders the conversation with the chat template and tokenizes it (the template supplies BOS).</summary>
    public static (string Text, IReadOnlyList<int> Ids) RenderPrompt(ServedModel served, ITextTokenizer tokenizer, ChatPrompt chat, string param = "messages")
    {
        var template = served.ChatTemplate ?? throw ApiException.BadRequest(
            "This model has no chat template (neither tokenizer_config.json's chat_template nor a GGUF's tokenizer.chat_template). Start the server with " +
            "--chat-template <file or template text>, or use /v1/completions.", param);
        string text;
        try
        {
            text = chat.Render(template, tokenizer.BosToken, tokenizer.EosToken);
        }
        catch (TemplateException error)
        {
            throw ApiException.BadRequest("The chat template failed on these messages: " + error.Message, param);
        }
        return (text, tokenizer.Encode(text, addSpecialTokens: false));
    }

    /// <summary>
    /// A chat choice: streamed as the role, then deltas of reasoning, content and tool calls (each call's index, id, type
    /// and name first, then its arguments in fragments, as OpenAI streams them), then a delta-less chunk with the finish
    /// reason, as vLLM (and OpenAI) give it: "tool_calls" when the model called tools, except that a named function's
    /// forced call finishes with "stop" and a forced "required" answer cut short with "length".
    /// </summary>
    private sealed class Choice(int index, ITextTokenizer tokenizer, bool logprobs, ToolChoiceMode toolChoice, ChatOutputParser parser) : ChoiceOutput
    {
        private readonly AssistantMessage _message = new(parser.SplitsReasoning);
        private readonly List<object> _logprobs = [];
        private string? _finishReason;

        public override IEnumerable<object> Opening() => [Entry(new { role = "assistant", content = "" }, null, null)];

        public override IReadOnlyList<object> Add(GenerationDelta delta)
        {
            var logs = logprobs ? delta.Tokens.Select(TokenLogprob).ToList() : null;
            if (logs is not null) _logprobs.AddRange(logs);
            var parsed = new List<ChatDelta>(parser.Add(delta.Text));
            if (delta.FinishReason is not null) parsed.AddRange(parser.Finish());
            var entries = new List<object>();
            foreach (var item in parsed) entries.Add(Entry(_message.Add(item), entries.Count == 0 ? logs : null, null));
            if (entries.Count == 0 && logs is { Count: > 0 }) entries.Add(Entry(new { content = "" }, logs, null));
            if (delta.FinishReason is { } reason)
            {
                _finishReason = toolChoice switch
                {
                    ToolChoiceMode.Named => reason,
                    ToolChoiceMode.Required => _message.HasToolCalls && reason == "stop" ? "tool_calls" : reason,
                    _ => _message.HasToolCalls ? "tool_calls" : reason,
                };
                entries.Add(Entry(new { }, null, _finishReason));
            }
            return entries;
        }

        public override object Complete() => new
        {
            index,
            message = _message.Message(),
            logprobs = logprobs ? Logprobs(_logprobs) : null,
            finish_reason = _finishReason,
        };

        private object Entry(object delta, List<object>? logs, string? finishReason) =>
            new { index, delta, logprobs = logs is null ? null : Logprobs(logs), finish_reason = finishReason };

        /// <summary>OpenAI's logprobs object: the content tokens' logprobs, and the refusal's (never one here).</summary>
        private static object Logprobs(List<object> content) => new { content, refusal = (object?)null };

        private object TokenLogprob(GeneratedToken token)
        {
            string text = TokenText.After(tokenizer, token.Previous, token.TokenId);
            return new
            {
                token = text,
                logprob = token.Logprob,
                bytes = System.Text.Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray(),
                top_logprobs = (token.TopLogprobs ?? []).Select(t =>
                {
                    string s = TokenText.After(tokenizer, token.Previous, t.TokenId);
                    return new { token = s, logprob = t.Logprob, bytes = System.Text.Encoding.UTF8.GetBytes(s).Select(b => (int)b).ToArray() };
                }).ToArray(),
            };
        }
    }
}
