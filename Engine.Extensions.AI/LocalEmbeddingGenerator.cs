using Engine.Core;
using Engine.Pooling;
using Microsoft.Extensions.AI;

namespace Engine.Extensions.AI;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> running the engine in this process as a pooling model:
/// each text tokenized as the server's /v1/embeddings does, its hidden states pooled (<see cref="LocalLlmOptions.Pooling"/>),
/// cut to EmbeddingGenerationOptions.Dimensions when given and L2-normalised, so the vectors equal the server's.
/// The generator owns its engine.
/// </summary>
public sealed class LocalEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly LlmEngine _engine;
    private readonly PoolingType _pooling;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public LocalEmbeddingGenerator(LocalLlmOptions options)
    {
        _engine = new LlmEngine(options.Engine with { Runner = EngineRunner.Pooling });
        _pooling = options.Pooling;
        _metadata = new EmbeddingGeneratorMetadata("Engine", null, ServedModelName.Resolve(null, options.Engine.Model), _engine.Config.HiddenSize);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (options?.ModelId is { } model && model != _metadata.DefaultModelId)
            throw new NotSupportedException($"EmbeddingGenerationOptions.ModelId '{model}': this generator runs '{_metadata.DefaultModelId}' only.");
        if (options?.AdditionalProperties is { Count: > 0 }) throw new NotSupportedException("EmbeddingGenerationOptions.AdditionalProperties are not supported: no extra option is known to this generator.");
        if (options?.RawRepresentationFactory is not null) throw new NotSupportedException("EmbeddingGenerationOptions.RawRepresentationFactory is not supported: there is no underlying client's request to make.");
        int dimensions = options?.Dimensions ?? _engine.Config.HiddenSize;
        if (dimensions < 1 || dimensions > _engine.Config.HiddenSize)
            throw new ArgumentOutOfRangeException(nameof(options), $"EmbeddingGenerationOptions.Dimensions must be between 1 and {_engine.Config.HiddenSize}.");

        var prompts = values.Select(v => _engine.Tokenizer.Encode(v)).ToList();
        string id = "embd-" + Guid.NewGuid().ToString("N");
        var sequences = prompts.Select((prompt, i) => _engine.AddPooling($"{id}-{i}", prompt, _pooling)).ToList();
        try
        {
            var pooled = await Task.WhenAll(sequences.Select(async sequence =>
            {
                await foreach (var output in sequence.Output.Reader.ReadAllAsync(cancellationToken)) return output.Pooled!;
                throw new InvalidOperationException("The engine finished a pooling sequence without its output.");
            }));
            var embeddings = new GeneratedEmbeddings<Embedding<float>>(pooled.Select(vector =>
                new Embedding<float>(PooledEmbedding.Normalized(vector, dimensions)) { ModelId = _metadata.DefaultModelId, CreatedAt = DateTimeOffset.UtcNow }))
            {
                Usage = new UsageDetails { InputTokenCount = prompts.Sum(p => p.Count), TotalTokenCount = prompts.Sum(p => p.Count) },
            };
            return embeddings;
        }
        finally
        {
            foreach (var sequence in sequences)
                if (!sequence.IsFinished) _engine.Abort(sequence);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(LlmEngine) ? _engine
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _engine.Dispose();
}
