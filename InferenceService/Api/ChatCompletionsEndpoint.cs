using System.Text;
using System.Text.Json;
using ChatTemplates;
using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>POST /v1/chat/completions: messages rendered with the model's chat template, then generated like a completion.</summary>
public sealed class ChatCompletionsEndpoint : IGenerationEndpoint
{
    public static string Route => "/v1/chat/completions";
    public static string IdPrefix => "chatcmpl-";
    public static string ResponseObject => "chat.completion";
    public static string ChunkObject => "chat.completion.chunk";

    public static GenerationCall Read(JsonRequest body, GenerationRequest request, ServedModel served)
    {
        var engine = served.Engine;
        var messages = ChatMessages.Read(body);
        bool logprobs = body.Bool("logprobs") ?? false;
        int? topLogprobs = body.Int("top_logprobs", 0, 20);
        if (topLogprobs is not null && !logprobs)
            throw ApiException.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
        int? maxTokens = body.Int("max_completion_tokens") ?? request.MaxTokens;
        var prompt = RenderPrompt(served, engine.Tokenizer, messages, body.Bool("add_generation_prompt") ?? true);
        var sampling = request.Sampling with
        {
            MaxTokens = maxTokens ?? Math.Max(1, engine.MaxModelLen - prompt.Count),   // vLLM's default: what the context leaves
            Logprobs = logprobs ? topLogprobs ?? 0 : null,
        };
        return new GenerationCall([prompt], sampling, choice => new Choice(choice.Index, engine.Tokenizer, logprobs));
    }

    /// <summary>Renders the conversation with the chat template and tokenizes it (the template supplies BOS).</summary>
    public static IReadOnlyList<int> RenderPrompt(ServedModel served, ITextTokenizer tokenizer, JsonElement messages, bool addGenerationPrompt)
    {
        var template = served.ChatTemplate ?? throw ApiException.BadRequest(
            "This model has no chat template (neither tokenizer_config.json's chat_template nor a GGUF's tokenizer.chat_template). Start the server with " +
            "--chat-template <file or template text>, or use /v1/completions.", "messages");
        string text;
        try
        {
            text = ChatTemplateRenderer.Render(template, messages, tokenizer.BosToken, tokenizer.EosToken, addGenerationPrompt);
        }
        catch (TemplateException error)
        {
            throw ApiException.BadRequest("The chat template failed on these messages: " + error.Message, "messages");
        }
        return tokenizer.Encode(text, addSpecialTokens: false);
    }

    /// <summary>A chat choice: streamed as the role, then content deltas, then a delta-less chunk with the finish reason.</summary>
    private sealed class Choice(int index, ITextTokenizer tokenizer, bool logprobs) : ChoiceOutput
    {
        private readonly StringBuilder _text = new();
        private readonly List<object> _logprobs = [];
        private string? _finishReason;

        public override IEnumerable<object> Opening() => [Entry(new { role = "assistant", content = "" }, null, null)];

        public override IReadOnlyList<object> Add(GenerationDelta delta)
        {
            var logs = logprobs ? delta.Tokens.Select(TokenLogprob).ToList() : null;
            if (logs is not null) _logprobs.AddRange(logs);
            _text.Append(delta.Text);
            _finishReason = delta.FinishReason;
            var entries = new List<object>();
            if (delta.Text.Length > 0 || logs is { Count: > 0 }) entries.Add(Entry(new { content = delta.Text }, logs, null));
            if (delta.FinishReason is not null) entries.Add(Entry(new { }, null, delta.FinishReason));
            return entries;
        }

        public override object Complete() => new
        {
            index,
            message = new { role = "assistant", content = _text.ToString(), refusal = (string?)null },
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
                bytes = Encoding.UTF8.GetBytes(text).Select(b => (int)b).ToArray(),
                top_logprobs = (token.TopLogprobs ?? []).Select(t =>
                {
                    string s = TokenText.After(tokenizer, token.Previous, t.TokenId);
                    return new { token = s, logprob = t.Logprob, bytes = Encoding.UTF8.GetBytes(s).Select(b => (int)b).ToArray() };
                }).ToArray(),
            };
        }
    }
}
