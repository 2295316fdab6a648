using System.Text.Json;
using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>POST /v1/completions: prompt as a string, a list of strings, token ids or a list of token id lists.</summary>
public static class CompletionsEndpoint
{
    public static Task HandleAsync(HttpContext context, ServedModel served, ILogger<ServedModel> logger) =>
        ApiResults.Handle(context, logger, async events =>
        {
            var ct = context.RequestAborted;
            var body = await JsonRequest.ReadAsync(context.Request, ct);
            var engine = served.Engine;
            int? logprobs = body.Int("logprobs", 0, 20);
            bool echo = body.Bool("echo") ?? false;
            var prompts = ReadPrompts(body, engine.Tokenizer);
            var request = GenerationRequest.Read(body, chat: false, logprobs);
            served.Check(request.Model);
            if (body.String("suffix") is not null) throw ApiException.BadRequest("'suffix' is not supported.", "suffix");
            if ((body.Int("best_of", 1) ?? request.N) != request.N) throw ApiException.BadRequest("'best_of' other than n is not supported.", "best_of");
            foreach (var field in body.UnknownFields) logger.LogInformation("Ignoring unknown field '{Field}' in /v1/completions", field);

            var sampling = request.Sampling with { MaxTokens = request.MaxTokens ?? 16 };
            var choices = prompts.SelectMany((prompt, p) => Enumerable.Range(0, request.N).Select(j => new ChoiceInput(p * request.N + j, prompt))).ToList();
            ChoiceStreams.Validate(engine, choices, sampling);

            string id = "cmpl-" + Guid.NewGuid().ToString("N");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            int promptTokens = prompts.Sum(p => p.Count);
            var texts = choices.Select(c => echo ? engine.Tokenizer.Decode(c.PromptIds, skipSpecialTokens: false) : "").ToArray();
            var logs = choices.Select(_ => new CompletionLogprobs()).ToArray();
            var finish = new string?[choices.Count];
            int completionTokens = 0;

            if (echo && request.Stream)
                foreach (var c in choices)
                    await events.SendAsync(Chunk(id, created, served.Name, c.Index, texts[c.Index], null, null), ct);

            await foreach (var (index, delta) in ChoiceStreams.RunAsync(engine, id, choices, sampling, request, ct))
            {
                completionTokens += delta.Tokens.Count;
                var deltaLogprobs = logprobs is null ? null : new CompletionLogprobs();
                if (logprobs is not null)
                    foreach (var token in delta.Tokens)
                    {
                        logs[index].Add(engine.Tokenizer, token, texts[index].Length);
                        deltaLogprobs!.Add(engine.Tokenizer, token, texts[index].Length);
                    }
                texts[index] += delta.Text;
                finish[index] = delta.FinishReason;
                if (request.Stream && (delta.Text.Length > 0 || delta.FinishReason is not null || deltaLogprobs is { Tokens.Count: > 0 }))
                    await events.SendAsync(Chunk(id, created, served.Name, index, delta.Text, deltaLogprobs, delta.FinishReason), ct);
            }

            var usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens };
            if (request.Stream)
            {
                if (request.IncludeUsageInStream)
                    await events.SendAsync(new { id, @object = "text_completion", created, model = served.Name, choices = Array.Empty<object>(), usage }, ct);
                await events.DoneAsync(ct);
                return;
            }
            await context.Response.WriteAsJsonAsync(new
            {
                id,
                @object = "text_completion",
                created,
                model = served.Name,
                choices = choices.Select(c => new { index = c.Index, text = texts[c.Index], logprobs = logprobs is null ? null : logs[c.Index], finish_reason = finish[c.Index] }),
                usage,
            }, ServerSentEvents.Json, ct);
        });

    private static object Chunk(string id, long created, string model, int index, string text, CompletionLogprobs? logprobs, string? finish) => new
    {
        id,
        @object = "text_completion",
        created,
        model,
        choices = new[] { new { index, text, logprobs, finish_reason = finish } },
    };

    /// <summary>prompt: "text" | ["text", ...] | [ids] | [[ids], ...].</summary>
    private static List<IReadOnlyList<int>> ReadPrompts(JsonRequest body, ITextTokenizer tokenizer)
    {
        if (body.Find("prompt") is not { } prompt) throw ApiException.BadRequest("'prompt' is required.", "prompt");
        var bad = ApiException.BadRequest("'prompt' must be a string, a list of strings, a list of token ids or a list of token id lists.", "prompt");
        if (prompt.ValueKind == JsonValueKind.String) return [tokenizer.Encode(prompt.GetString()!)];
        if (prompt.ValueKind != JsonValueKind.Array || prompt.GetArrayLength() == 0) throw bad;
        var items = prompt.EnumerateArray().ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.String)) return items.Select(e => tokenizer.Encode(e.GetString()!)).ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.Number)) return [TokenIds(items, bad)];
        if (items.All(e => e.ValueKind == JsonValueKind.Array)) return items.Select(e => (IReadOnlyList<int>)TokenIds(e.EnumerateArray().ToList(), bad)).ToList();
        throw bad;
    }

    private static List<int> TokenIds(List<JsonElement> items, ApiException bad) =>
        items.Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int id) && id >= 0 ? id : throw bad).ToList();
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
