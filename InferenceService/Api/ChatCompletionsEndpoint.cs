using System.Text;
using System.Text.Json;
using ChatTemplates;
using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>POST /v1/chat/completions: messages rendered with the model's chat template, then generated like a completion.</summary>
public static class ChatCompletionsEndpoint
{
    public static Task HandleAsync(HttpContext context, ServedModel served, ILogger<ServedModel> logger) =>
        ApiResults.Handle(context, logger, async events =>
        {
            var ct = context.RequestAborted;
            var body = await JsonRequest.ReadAsync(context.Request, ct);
            var engine = served.Engine;
            var messages = ChatMessages.Read(body);
            bool logprobs = body.Bool("logprobs") ?? false;
            int? topLogprobs = body.Int("top_logprobs", 0, 20);
            if (topLogprobs is not null && !logprobs)
                throw ApiException.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
            var request = GenerationRequest.Read(body, chat: true, logprobs ? topLogprobs ?? 0 : null);
            served.Check(request.Model);
            bool addGenerationPrompt = body.Bool("add_generation_prompt") ?? true;
            foreach (var field in body.UnknownFields) logger.LogInformation("Ignoring unknown field '{Field}' in /v1/chat/completions", field);

            var promptIds = RenderPrompt(served, engine.Tokenizer, messages, addGenerationPrompt);
            var sampling = request.Sampling with { MaxTokens = request.MaxTokens ?? Math.Max(1, engine.MaxModelLen - promptIds.Count) };
            var choices = Enumerable.Range(0, request.N).Select(i => new ChoiceInput(i, promptIds)).ToList();
            ChoiceStreams.Validate(engine, choices, sampling);

            string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var texts = new StringBuilder[request.N];
            var logs = new List<object>[request.N];
            var finish = new string?[request.N];
            for (int i = 0; i < request.N; i++) { texts[i] = new StringBuilder(); logs[i] = []; }
            int completionTokens = 0;

            if (request.Stream)
                for (int i = 0; i < request.N; i++)
                    await events.SendAsync(Chunk(id, created, served.Name, i, new { role = "assistant", content = "" }, null, null), ct);

            await foreach (var (index, delta) in ChoiceStreams.RunAsync(engine, id, choices, sampling, request, ct))
            {
                completionTokens += delta.Tokens.Count;
                var deltaLogs = logprobs ? delta.Tokens.Select(t => TokenLogprob(engine.Tokenizer, t)).ToList() : null;
                if (deltaLogs is not null) logs[index].AddRange(deltaLogs);
                texts[index].Append(delta.Text);
                finish[index] = delta.FinishReason;
                if (!request.Stream) continue;
                if (delta.Text.Length > 0 || deltaLogs is { Count: > 0 })
                    await events.SendAsync(Chunk(id, created, served.Name, index, new { content = delta.Text }, deltaLogs, null), ct);
                if (delta.FinishReason is not null)
                    await events.SendAsync(Chunk(id, created, served.Name, index, new { }, null, delta.FinishReason), ct);
            }

            var usage = new { prompt_tokens = promptIds.Count, completion_tokens = completionTokens, total_tokens = promptIds.Count + completionTokens };
            if (request.Stream)
            {
                if (request.IncludeUsageInStream)
                    await events.SendAsync(new { id, @object = "chat.completion.chunk", created, model = served.Name, choices = Array.Empty<object>(), usage }, ct);
                await events.DoneAsync(ct);
                return;
            }
            await context.Response.WriteAsJsonAsync(new
            {
                id,
                @object = "chat.completion",
                created,
                model = served.Name,
                choices = Enumerable.Range(0, request.N).Select(i => new
                {
                    index = i,
                    message = new { role = "assistant", content = texts[i].ToString() },
                    logprobs = logprobs ? new { content = logs[i] } : null,
                    finish_reason = finish[i],
                }),
                usage,
            }, ServerSentEvents.Json, ct);
        });

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

    private static object Chunk(string id, long created, string model, int index, object delta, List<object>? logprobs, string? finish) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        choices = new[] { new { index, delta, logprobs = logprobs is null ? null : new { content = logprobs }, finish_reason = finish } },
    };

    private static object TokenLogprob(ITextTokenizer tokenizer, GeneratedToken token)
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
