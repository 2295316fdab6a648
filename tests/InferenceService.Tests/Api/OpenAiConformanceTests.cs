using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>
/// Every kind of response of the OpenAI endpoints checked against OpenAI's published specification (OpenAiSchema: strict,
/// with the vLLM extensions we allow listed in OpenAiExtensions): a whole response against its schema; a stream for its
/// framing (text/event-stream, one <c>data:</c> line per event, <c>data: [DONE]</c> last) and every chunk against the chunk
/// schema. Error bodies are checked where they are provoked (BadRequestTests, ApiKeyTests, RequestLimitsTests,
/// QueueFullTests, EngineFailureTests). Beyond what a schema can say, each case checks one id, object, created and model
/// for the whole response, every choice index (prompts × n) present and finished, usage adding up, the echoed prompt and
/// the logprobs lists agreeing with the text. A new endpoint or option is one line in <see cref="All"/>.
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class OpenAiConformanceTests(InferenceServerFixture server)
{
    private const string Model = InferenceServerFixture.ModelName;
    private const string Prompt = "Once upon a time";
    private static readonly object[] User = [new { role = "user", content = Prompt }];
    private static readonly object IncludeUsage = new { include_usage = true };

    /// <summary>What a case sends (a GET without a body) and the schema of its response, or of each chunk when it streams.</summary>
    public sealed record Case(string Path, object? Body, string Schema);

    private static readonly Dictionary<string, Case> All = new()
    {
        ["models: the list"] = new("v1/models", null, "ListModelsResponse"),
        ["completions: one prompt"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8 }, "CreateCompletionResponse"),
        ["completions: echo"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8, echo = true }, "CreateCompletionResponse"),
        ["completions: logprobs 3"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8, logprobs = 3 }, "CreateCompletionResponse"),
        ["completions: echo with logprobs 0"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8, echo = true, logprobs = 0 }, "CreateCompletionResponse"),
        ["completions: prompt list × n 2"] = new("v1/completions", new { model = Model, prompt = new[] { Prompt, "The cat" }, n = 2, max_tokens = 6, seed = 1 }, "CreateCompletionResponse"),
        ["completions: token id prompts"] = new("v1/completions", new { model = Model, prompt = new[] { new[] { 1, 403, 407 }, new[] { 1, 365 } }, max_tokens = 6 }, "CreateCompletionResponse"),
        ["completions: stop string"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 60, temperature = 0, stop = new[] { "Lily" } }, "CreateCompletionResponse"),
        // "Lily" is held back (it may start the stop string) until the next token: one delta of several tokens.
        ["completions: logprobs 1 across held-back text"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 24, temperature = 0, logprobs = 1, stop = new[] { "Lily went" } }, "CreateCompletionResponse"),
        ["completions stream: logprobs 1 across held-back text"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 24, temperature = 0, logprobs = 1, stop = new[] { "Lily went" }, stream = true }, "CreateCompletionStreamResponse"),
        ["completions stream: one prompt"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8, stream = true }, "CreateCompletionStreamResponse"),
        ["completions stream: echo with logprobs 2, usage"] = new("v1/completions", new { model = Model, prompt = Prompt, max_tokens = 8, echo = true, logprobs = 2, stream = true, stream_options = IncludeUsage }, "CreateCompletionStreamResponse"),
        ["completions stream: prompt list × n 2, usage"] = new("v1/completions", new { model = Model, prompt = new[] { Prompt, "The cat" }, n = 2, max_tokens = 6, seed = 1, stream = true, stream_options = IncludeUsage }, "CreateCompletionStreamResponse"),
        ["chat: one message"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 8 }, "CreateChatCompletionResponse"),
        ["chat: logprobs, top_logprobs 2"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 8, logprobs = true, top_logprobs = 2 }, "CreateChatCompletionResponse"),
        ["chat: n 3, stop string"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 30, n = 3, seed = 5, stop = new[] { "." } }, "CreateChatCompletionResponse"),
        ["chat stream: one message"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 8, stream = true }, "CreateChatCompletionStreamResponse"),
        ["chat stream: logprobs, top_logprobs 2, usage"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 8, logprobs = true, top_logprobs = 2, stream = true, stream_options = IncludeUsage }, "CreateChatCompletionStreamResponse"),
        ["chat stream: n 2, usage"] = new("v1/chat/completions", new { model = Model, messages = User, max_tokens = 8, n = 2, seed = 2, stream = true, stream_options = IncludeUsage }, "CreateChatCompletionStreamResponse"),
    };

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var name in All.Keys) names.Add(name);
        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public async Task The_response_is_valid_against_OpenAIs_schema(string name)
    {
        var (path, body, schema) = All[name];
        var request = body is null ? null : JsonSerializer.SerializeToNode(body)!.AsObject();
        using var response = request is null ? await server.Http.GetAsync(path) : await server.Http.PostAsJsonAsync(path, request);
        if (request?["stream"]?.GetValue<bool>() == true)
        {
            var stream = await OpenAiStream.ReadAsync(response, schema);
            Assert.Null(stream.Error);
            CheckStream(path, request, stream.Chunks);
        }
        else
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var json = JsonDocument.Parse(text).RootElement;
            OpenAiSchema.AssertValid(schema, json, name);
            if (request is not null) CheckResponse(path, request, json);
        }
    }

    private static bool IsChat(string path) => path.Contains("chat", StringComparison.Ordinal);

    /// <summary>prompts × n: one choice per prompt and sample (a list of strings or of token id lists is several prompts, a
    /// list of token ids one).</summary>
    private static int ChoiceCount(JsonObject request)
    {
        int n = request["n"]?.GetValue<int>() ?? 1;
        return request["prompt"] is JsonArray prompts && prompts[0]!.GetValueKind() != JsonValueKind.Number ? prompts.Count * n : n;
    }

    private static void CheckResponse(string path, JsonObject request, JsonElement response)
    {
        Assert.Equal(IsChat(path) ? "chat.completion" : "text_completion", response.GetProperty("object").GetString());
        Assert.StartsWith(IsChat(path) ? "chatcmpl-" : "cmpl-", response.GetProperty("id").GetString());
        Assert.Equal(Model, response.GetProperty("model").GetString());
        Assert.InRange(response.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var choices = response.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, ChoiceCount(request)), choices.Select(c => c.GetProperty("index").GetInt32()));
        foreach (var choice in choices)
        {
            var text = IsChat(path) ? choice.GetProperty("message").GetProperty("content").GetString()! : choice.GetProperty("text").GetString()!;
            CheckText(request, text, choice.GetProperty("logprobs"), choice.GetProperty("finish_reason").GetString());
        }
        CheckUsage(request, response.GetProperty("usage"), choices.Count);
    }

    private static void CheckStream(string path, JsonObject request, IReadOnlyList<JsonElement> chunks)
    {
        var first = chunks[0];
        foreach (var chunk in chunks)
        {
            Assert.Equal(IsChat(path) ? "chat.completion.chunk" : "text_completion", chunk.GetProperty("object").GetString());
            Assert.Equal(first.GetProperty("id").GetString(), chunk.GetProperty("id").GetString());
            Assert.Equal(first.GetProperty("created").GetInt64(), chunk.GetProperty("created").GetInt64());
            Assert.Equal(Model, chunk.GetProperty("model").GetString());
        }
        bool usage = request["stream_options"]?["include_usage"]?.GetValue<bool>() == true;
        var choiceChunks = usage ? chunks.SkipLast(1).ToList() : chunks;
        if (usage)
        {
            // The usage chunk comes last, with no choice; the others carry none.
            Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
            Assert.All(choiceChunks, c => Assert.False(c.TryGetProperty("usage", out var u) && u.ValueKind != JsonValueKind.Null));
        }
        var entries = choiceChunks.SelectMany(c => c.GetProperty("choices").EnumerateArray()).GroupBy(e => e.GetProperty("index").GetInt32()).OrderBy(g => g.Key).ToList();
        Assert.Equal(Enumerable.Range(0, ChoiceCount(request)), entries.Select(g => g.Key));
        foreach (var choice in entries)
        {
            var parts = choice.ToList();
            if (IsChat(path)) Assert.Equal("assistant", parts[0].GetProperty("delta").GetProperty("role").GetString());
            var finishes = parts.Select(p => p.GetProperty("finish_reason")).Where(f => f.ValueKind != JsonValueKind.Null).ToList();
            Assert.True(finishes.Count == 1 && parts[^1].GetProperty("finish_reason").ValueKind != JsonValueKind.Null, $"choice {choice.Key}: one finish_reason, on its last chunk");
            var text = string.Concat(parts.Select(p => IsChat(path)
                ? p.GetProperty("delta").TryGetProperty("content", out var c) ? c.GetString() : ""
                : p.GetProperty("text").GetString()));
            CheckText(request, text, Merge(path, parts.Select(p => p.GetProperty("logprobs"))), finishes[0].GetString());
        }
        if (usage) CheckUsage(request, chunks[^1].GetProperty("usage"), entries.Count);
    }

    /// <summary>The echoed prompt, and logprobs that agree with the text: one entry per token, the tokens spelling the text
    /// (its end, after an echoed prompt), text offsets where each token starts, the top_logprobs asked for.</summary>
    private static void CheckText(JsonObject request, string text, JsonElement logprobs, string? finishReason)
    {
        Assert.NotNull(finishReason);
        bool echo = request["echo"]?.GetValue<bool>() == true;
        if (echo) Assert.StartsWith(request["prompt"]!.GetValue<string>(), text);
        int? top = request["logprobs"] switch
        {
            JsonValue k when k.GetValueKind() == JsonValueKind.Number => k.GetValue<int>(),                        // completions: logprobs = k
            JsonValue on when on.GetValueKind() == JsonValueKind.True => request["top_logprobs"]?.GetValue<int>() ?? 0,   // chat
            _ => null,
        };
        if (top is null)
        {
            Assert.Equal(JsonValueKind.Null, logprobs.ValueKind);
            return;
        }
        if (logprobs.TryGetProperty("content", out var content))
        {
            var tokens = content.EnumerateArray().ToList();
            Assert.Equal(text, string.Concat(tokens.Select(t => t.GetProperty("token").GetString())));
            Assert.All(tokens, t => Assert.Equal(top.Value, t.GetProperty("top_logprobs").GetArrayLength()));
            return;
        }
        var texts = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToList();
        var spelled = string.Concat(texts);
        if (echo) Assert.EndsWith(spelled, text);
        else Assert.Equal(text, spelled);
        Assert.Equal(texts.Count, logprobs.GetProperty("token_logprobs").GetArrayLength());
        Assert.Equal(texts.Count, logprobs.GetProperty("top_logprobs").GetArrayLength());
        int start = text.Length - spelled.Length;
        Assert.Equal(texts.Select((_, i) => start + texts.Take(i).Sum(t => t.Length)), logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()));
        Assert.All(logprobs.GetProperty("top_logprobs").EnumerateArray(), t => Assert.InRange(t.EnumerateObject().Count(), Math.Min(top.Value, 1), top.Value));
    }

    /// <summary>One choice's streamed logprobs as one object (null when no chunk carried any).</summary>
    private static JsonElement Merge(string path, IEnumerable<JsonElement> logprobs)
    {
        var present = logprobs.Where(l => l.ValueKind != JsonValueKind.Null).ToList();
        if (present.Count == 0) return JsonSerializer.SerializeToElement<object?>(null);
        if (IsChat(path)) return JsonSerializer.SerializeToElement(new { content = present.SelectMany(l => l.GetProperty("content").EnumerateArray()) });
        return JsonSerializer.SerializeToElement(new[] { "tokens", "token_logprobs", "top_logprobs", "text_offset" }
            .ToDictionary(list => list, list => present.SelectMany(l => l.GetProperty(list).EnumerateArray())));
    }

    private static void CheckUsage(JsonObject request, JsonElement usage, int choices)
    {
        int prompt = usage.GetProperty("prompt_tokens").GetInt32(), completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
        Assert.True(prompt > 0, "prompt_tokens");
        Assert.InRange(completion, choices, choices * request["max_tokens"]!.GetValue<int>());
    }
}
