using InferenceService.Serving;

namespace InferenceService.Api;

/// <summary>
/// The request path the generation endpoints share: read the body and the shared fields, check the model, let the
/// endpoint read its own fields and build its prompts, start every choice in the engine (which refuses a request
/// that can never run before anything is sent), then stream chunks (SSE, `data: [DONE]` last) or answer with the
/// whole response, with usage. What differs per endpoint is its <see cref="IGenerationEndpoint"/>.
/// </summary>
public static class GenerationEndpoint
{
    public static Task HandleAsync<TEndpoint>(HttpContext context, ModelRegistry models, ILogger<ServedModel> logger)
        where TEndpoint : IGenerationEndpoint =>
        ApiResults.Handle(context, logger, async events =>
        {
            var ct = context.RequestAborted;
            var body = await JsonRequest.ReadAsync(context.Request, ct);
            using var lease = await models.AcquireAsync(body.String("model"), ct);
            var served = lease.Served;
            var engine = served.GenerationEngine(TEndpoint.Route);
            var request = GenerationRequest.Read(body);
            var (lora, model) = (lease.Adapter, lease.ModelName);
            KeepAliveField.Apply(body, lease);
            var call = TEndpoint.Read(body, request, served);
            if (request.StructuredOutput is { } structured) call = call with { Sampling = structured.Constrain(call.Sampling, engine) };
            body.RefuseUnread(TEndpoint.OpenAiFields, TEndpoint.Route);
            using var userScope = EndUser.Track(request.User, logger);

            var inputs = call.Prompts
                .SelectMany((prompt, p) => Enumerable.Range(0, request.N).Select(j => new ChoiceInput(p * request.N + j, prompt)))
                .ToList();
            string id = TEndpoint.IdPrefix + Guid.NewGuid().ToString("N");
            using var run = ChoiceRun.Start(engine, id, inputs, call, request, lora);
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var choices = inputs.Select(call.NewChoice).ToList();
            object Chunk(object choice) => new { id, @object = TEndpoint.ChunkObject, created, model, choices = new[] { choice } };

            if (request.Stream)
                foreach (var choice in choices)
                    foreach (var entry in choice.Opening())
                        await events.SendAsync(Chunk(entry), ct);

            int completionTokens = 0;
            await foreach (var (index, delta) in run.ReadAsync(ct))
            {
                completionTokens += delta.Tokens.Count;
                var entries = choices[index].Add(delta);
                if (request.Stream)
                    foreach (var entry in entries)
                        await events.SendAsync(Chunk(entry), ct);
            }

            int promptTokens = call.Prompts.Sum(p => p.Count);
            var usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens };
            if (request.Stream)
            {
                if (request.IncludeUsageInStream)
                    await events.SendAsync(new { id, @object = TEndpoint.ChunkObject, created, model, choices = Array.Empty<object>(), usage }, ct);
                await events.DoneAsync(ct);
                return;
            }
            await context.Response.WriteAsJsonAsync(new
            {
                id,
                @object = TEndpoint.ResponseObject,
                created,
                model,
                choices = choices.Select(c => c.Complete()),
                usage,
            }, ServerSentEvents.Json, ct);
        });
}
