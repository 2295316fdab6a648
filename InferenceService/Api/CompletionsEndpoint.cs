using System.Text;
using System.Text.Json;
using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>POST /v1/completions: prompt as a string, a list of strings, token ids or a list of token id lists.</summary>
public sealed class CompletionsEndpoint : IGenerationEndpoint
{
    public static string Route => "/v1/completions";
    public static string IdPrefix => "cmpl-";
    public static string ResponseObject => "text_completion";
    public static string ChunkObject => "text_completion";

    public static GenerationCall Read(JsonRequest body, GenerationRequest request, ServedModel served)
    {
        var tokenizer = served.Engine.Tokenizer;
        int? logprobs = body.Int("logprobs", 0, 20);
        bool echo = body.Bool("echo") ?? false;
        var prompts = ReadPrompts(body, tokenizer, request.N, served.Engine.Options.MaxNumQueuedRequests);
        if (body.String("suffix") is not null) throw ApiException.BadRequest("'suffix' is not supported.", "suffix");
        if ((body.Int("best_of", 1) ?? request.N) != request.N) throw ApiException.BadRequest("'best_of' other than n is not supported.", "best_of");
        var sampling = request.Sampling with { MaxTokens = request.MaxTokens ?? 16, Logprobs = logprobs };   // OpenAI's default
        return new GenerationCall(prompts, sampling, choice => new Choice(choice, tokenizer, echo, logprobs is not null));
    }

    /// <summary>prompt: "text" | ["text", ...] | [ids] | [[ids], ...]; prompts × n may not exceed what one request may queue
    /// (<paramref name="mostSequences"/>), checked before any prompt is tokenized.</summary>
    private static List<IReadOnlyList<int>> ReadPrompts(JsonRequest body, ITextTokenizer tokenizer, int n, int mostSequences)
    {
        if (body.Find("prompt") is not { } prompt) throw ApiException.BadRequest("'prompt' is required.", "prompt");
        var bad = ApiException.BadRequest("'prompt' must be a string, a list of strings, a list of token ids or a list of token id lists.", "prompt");
        if (prompt.ValueKind == JsonValueKind.String) return [tokenizer.Encode(prompt.GetString()!)];
        if (prompt.ValueKind != JsonValueKind.Array || prompt.GetArrayLength() == 0) throw bad;
        var count = prompt[0].ValueKind == JsonValueKind.Number ? 1 : prompt.GetArrayLength();
        if ((long)count * n > mostSequences)
            throw ApiException.BadRequest($"{count} prompts × n = {n} make {(long)count * n} sequences; one request may have at most {mostSequences} " +
                "(--max-num-queued-requests).", "prompt");
        var items = prompt.EnumerateArray().ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.String)) return items.Select(e => tokenizer.Encode(e.GetString()!)).ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.Number)) return [TokenIds(items, bad)];
        if (items.All(e => e.ValueKind == JsonValueKind.Array)) return items.Select(e => (IReadOnlyList<int>)TokenIds(e.EnumerateArray().ToList(), bad)).ToList();
        throw bad;
    }

    private static List<int> TokenIds(List<JsonElement> items, ApiException bad) =>
        items.Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int id) && id >= 0 ? id : throw bad).ToList();

    /// <summary>A completion choice: its text (after the echoed prompt, if asked) streamed as it grows, with the finish
    /// reason on the last chunk.</summary>
    private sealed class Choice : ChoiceOutput
    {
        private readonly int _index;
        private readonly ITextTokenizer _tokenizer;
        private readonly bool _echo;
        private readonly StringBuilder _text = new();
        private readonly CompletionLogprobs? _logprobs;
        private string? _finishReason;

        public Choice(ChoiceInput choice, ITextTokenizer tokenizer, bool echo, bool logprobs)
        {
            _index = choice.Index;
            _tokenizer = tokenizer;
            _echo = echo;
            if (echo) _text.Append(tokenizer.Decode(choice.PromptIds, skipSpecialTokens: false));
            _logprobs = logprobs ? new CompletionLogprobs() : null;
        }

        public override IEnumerable<object> Opening() => _echo ? [Entry(_text.ToString(), null, null)] : [];

        public override IReadOnlyList<object> Add(GenerationDelta delta)
        {
            var logs = _logprobs is null ? null : new CompletionLogprobs();
            if (logs is not null)
                foreach (var token in delta.Tokens)
                {
                    _logprobs!.Add(_tokenizer, token, _text.Length);
                    logs.Add(_tokenizer, token, _text.Length);
                }
            _text.Append(delta.Text);
            _finishReason = delta.FinishReason;
            return delta.Text.Length > 0 || delta.FinishReason is not null || logs is { Tokens.Count: > 0 }
                ? [Entry(delta.Text, logs, delta.FinishReason)]
                : [];
        }

        public override object Complete() => Entry(_text.ToString(), _logprobs, _finishReason);

        private object Entry(string text, CompletionLogprobs? logprobs, string? finishReason) =>
            new { index = _index, text, logprobs, finish_reason = finishReason };
    }
}

/// <summary>The legacy completions logprobs object: parallel lists per generated token.</summary>
public sealed class CompletionLogprobs
{
    public List<string> Tokens { get; } = [];
    public List<float> TokenLogprobs { get; } = [];
    public List<Dictionary<string, float>> TopLogprobs { get; } = [];
    public List<int> TextOffset { get; } = [];

    public void Add(ITextTokenizer tokenizer, GeneratedToken token, int offset)
    {
        Tokens.Add(TokenText.After(tokenizer, token.Previous, token.TokenId));
        TokenLogprobs.Add(token.Logprob);
        var top = new Dictionary<string, float>();
        foreach (var t in token.TopLogprobs ?? []) top.TryAdd(TokenText.After(tokenizer, token.Previous, t.TokenId), t.Logprob);
        TopLogprobs.Add(top);
        TextOffset.Add(offset);
    }
}
