using Engine.Pooling;
using InferenceService.Api;
using InferenceService.Serving;

namespace InferenceService.Embeddings;

/// <summary>
/// POST /v1/embeddings (OpenAI's shape, as vLLM serves it): every input runs through the engine's scheduler as a
/// prefill-only pooling sequence, batched with whatever else runs (a generating server answers it too); the pooled
/// final hidden state (--pooling-type) is normalised, cut to `dimensions` and sent as floats or base64, with usage.
/// </summary>
public static class EmbeddingsEndpoint
{
    public const string Route = "/v1/embeddings";

    public static Task HandleAsync(HttpContext context, ModelRegistry models, PoolingSettings pooling, ILogger<ServedModel> logger) =>
        ApiResults.Handle(context, logger, async _ =>
        {
            var ct = context.RequestAborted;
            var body = await JsonRequest.ReadAsync(context.Request, ct);
            using var lease = await models.AcquireAsync(body.String("model"), ct);
            var (served, lora) = (lease.Served, lease.Adapter);
            var engine = served.Engine;
            var inputs = EmbeddingInputs.Read(body, engine.Tokenizer, engine.Config.VocabSize, engine.MaxModelLen);
            bool base64 = body.String("encoding_format") switch
            {
                null or "float" => false,
                "base64" => true,
                var other => throw ApiException.BadRequest($"'encoding_format' must be \"float\" or \"base64\", got \"{other}\".", "encoding_format"),
            };
            int hidden = engine.Config.HiddenSize;
            int dimensions = body.Int("dimensions", 1, hidden) ?? hidden;
            using var userScope = EndUser.Track(body.String("user"), logger);
            body.RefuseUnread(OpenAiRequestFields.Embeddings, Route);

            string id = "embd-" + Guid.NewGuid().ToString("N");
            var sequences = new List<Engine.Core.Sequence>();
            try
            {
                for (int i = 0; i < inputs.Count; i++) sequences.Add(engine.AddPooling($"{id}-{i}", inputs[i], pooling.Type, lora: lora));
                var pooled = await Task.WhenAll(sequences.Select(async seq =>
                {
                    await foreach (var output in seq.Output.Reader.ReadAllAsync(ct)) return output.Pooled!;
                    throw new InvalidOperationException("The engine stopped before the embedding was computed.");
                }));
                await context.Response.WriteAsJsonAsync(new
                {
                    @object = "list",
                    data = pooled.Select((vector, index) => new
                    {
                        @object = "embedding",
                        index,
                        embedding = EmbeddingVector.Encode(PooledEmbedding.Normalized(vector, dimensions), base64),
                    }),
                    model = lease.ModelName,
                    usage = new { prompt_tokens = inputs.Sum(i => i.Count), total_tokens = inputs.Sum(i => i.Count) },
                }, ServerSentEvents.Json, ct);
            }
            finally
            {
                foreach (var seq in sequences) engine.Abort(seq);   // no-op for finished ones; frees the rest (error, client gone)
            }
        });
}
