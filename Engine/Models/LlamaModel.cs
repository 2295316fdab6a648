using Engine.Backends;
using Engine.Loading;
using Engine.Lora;

namespace Engine.Models;

/// <summary>
/// The Llama-family decoder (Llama 2/3, Mistral, Qwen2, Qwen3, Phi-3, Mixtral, Qwen3-MoE, and Gemma 2/3 with their
/// extra steps switched on by the config) written only in backend ops, so any
/// <see cref="IComputeBackend"/> runs it. One forward handles a whole mixed prefill/decode batch. Without an lm_head
/// (a pooling model: embeddings only) it gives final hidden states and no logits.
/// </summary>
public sealed class LlamaModel
{
    private readonly IComputeBackend _backend;
    private readonly Tensor _embedding;
    private readonly LlamaLayer[] _layers;
    private readonly Tensor _finalNorm;
    private readonly Tensor? _lmHead;
    private readonly RotaryTable[] _layerRopes;
    private readonly ForwardBuffers _buffers;
    private readonly AttentionShape _shape;
    private readonly AttentionShape[] _layerShapes;
    private readonly ExpertMixture? _experts;

    private ForwardBuffers.StepBuffers _last;

    public LlamaModel(ModelConfig config, IWeightSource weights, IComputeBackend backend, DType storage, int maxPositions, int maxBatchTokens,
        int maxLogitRows, bool languageModelHead = true)
    {
        Config = config;
        _backend = backend;
        int h = config.HiddenSize;
        string prefix = config.CheckpointPrefix;
        _embedding = backend.LoadMatrix(storage, weights.Get(prefix + "model.embed_tokens.weight", config.VocabSize, h));
        _layers = Enumerable.Range(0, config.NumLayers).Select(i => LlamaLayer.Load(weights, backend, config, i, storage)).ToArray();
        _finalNorm = LlamaLayer.LoadNorm(weights, backend, config, prefix + "model.norm.weight", h);
        _lmHead = !languageModelHead ? null
            : config.TieWordEmbeddings ? _embedding : backend.LoadMatrix(storage, weights.Get(prefix + "lm_head.weight", config.VocabSize, h));
        var rope = RotaryFrequencies.Build(backend, config, maxPositions);
        // Gemma 3's sliding-window layers rotate by their own base, unscaled.
        var localRope = config.LocalRopeTheta is { } localTheta
            ? RotaryFrequencies.Build(backend, config with { RopeTheta = localTheta, RopeScaling = null }, maxPositions)
            : rope;
        _layerRopes = Enumerable.Range(0, config.NumLayers).Select(i => config.WindowOf(i) > 0 ? localRope : rope).ToArray();
        _buffers = new ForwardBuffers(backend, config, maxBatchTokens, languageModelHead ? maxLogitRows : 0);
        _shape = new AttentionShape(config.NumHeads, config.NumKvHeads, config.HeadDim)
        {
            Scale = (float)(1 / Math.Sqrt(config.QueryPreAttentionScalar ?? config.HeadDim)),
            SoftCap = (float)(config.AttentionSoftCap ?? 0),
        };
        _experts = config.NumExperts > 0 ? new ExpertMixture(backend, config, maxBatchTokens) : null;
        _layerShapes = Enumerable.Range(0, config.NumLayers).Select(i => _shape with { Window = config.WindowOf(i) }).ToArray();
    }

    public ModelConfig Config { get; }

    /// <summary>The matrices a decode step streams once: the layers' projections and the lm_head.</summary>
    private IEnumerable<Tensor> MatMulWeights => _layers.SelectMany(l => new[] { l.Qkv, l.Output, l.GateUp, l.Down }.Concat(l.Experts.SelectMany(e => new[] { e.GateUp, e.Down })))
        .Append(_lmHead).OfType<Tensor>();

    /// <summary>The stored types of the weight matrices.</summary>
    public IReadOnlyList<DType> MatMulWeightDTypes => [.. MatMulWeights.Select(t => t.DType).Distinct()];

    /// <summary>The stored types of the weight matrices, e.g. "Q4_K/Q6_K" or "BF16".</summary>
    public string WeightTypes => string.Join("/", MatMulWeightDTypes);

    /// <summary>Bytes of the matrices a decode step streams once, as stored.</summary>
    public long MatMulWeightBytes => MatMulWeights.Sum(t => t.Rows * t.DType.RowBytes(t.Cols));

    /// <summary>Bytes of every weight matrix as stored (the embedding once when the lm_head shares it); norms and biases are left out.</summary>
    public long WeightBytes => MatMulWeightBytes + (_lmHead == _embedding ? 0 : _embedding.Rows * _embedding.DType.RowBytes(_embedding.Cols));

    /// <summary>Runs the batch through the model; returns logits [batch.LogitTokenIndices.Length, vocab] (none computed when
    /// no row is asked for). <paramref name="lora"/> adds the step's adapters' deltas after each projection.</summary>
    public Tensor Forward(ForwardBatch batch, KvCache cache, LoraStep? lora = null)
    {
        if (_lmHead is null && batch.LogitTokenIndices.Length > 0) throw new InvalidOperationException("This model has no lm_head: it computes no logits.");
        var b = _last = _buffers.For(batch.TokenCount, batch.LogitTokenIndices.Length);
        float eps = (float)Config.RmsNormEps;
        int q = _shape.Heads * _shape.HeadDim, kv = _shape.KvHeads * _shape.HeadDim;

        _backend.BeginStep(batch);
        _backend.Embed(_embedding, b.Residual);
        if (Config.EmbeddingScale != 1) _backend.Scale(b.Residual, Config.EmbeddingScale);
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            _backend.RmsNorm(b.Residual, layer.InputNorm, eps, b.Normed);
            _backend.MatMul(b.Normed, layer.Qkv, layer.QkvBias, b.Qkv);
            var queries = b.Qkv.Columns(0, q);
            var keys = b.Qkv.Columns(q, kv);
            var values = b.Qkv.Columns(q + kv, kv);
            lora?.Apply(i, LoraTarget.QProj, b.Normed, queries);
            lora?.Apply(i, LoraTarget.KProj, b.Normed, keys);
            lora?.Apply(i, LoraTarget.VProj, b.Normed, values);
            if (layer.QNorm is not null) _backend.RmsNorm(queries, layer.QNorm, eps, queries);
            if (layer.KNorm is not null) _backend.RmsNorm(keys, layer.KNorm, eps, keys);
            _backend.Rope(queries, _layerRopes[i]);
            _backend.Rope(keys, _layerRopes[i]);
            _backend.WriteKv(keys, values, cache, i);
            _backend.Attention(queries, cache, i, _layerShapes[i], b.Attention);
            _backend.MatMul(b.Attention, layer.Output, layer.OutputBias, b.Hidden);
            lora?.Apply(i, LoraTarget.OProj, b.Attention, b.Hidden);
            if (layer.AttentionOutputNorm is not null) _backend.RmsNorm(b.Hidden, layer.AttentionOutputNorm, eps, b.Hidden);
            _backend.Add(b.Residual, b.Hidden);

            _backend.RmsNorm(b.Residual, layer.FeedForwardNorm, eps, b.Normed);
            if (layer.Router is not null)
            {
                _experts!.Run(layer, b);
                continue;
            }
            _backend.MatMul(b.Normed, layer.GateUp!, null, b.GateUp);
            if (lora is not null)
            {
                int f = Config.IntermediateSize;
                lora.Apply(i, LoraTarget.GateProj, b.Normed, b.GateUp.Columns(0, f));
                lora.Apply(i, LoraTarget.UpProj, b.Normed, b.GateUp.Columns(f, f));
            }
            if (Config.GeluActivation) _backend.GeluTanhMul(b.GateUp, b.Activated);
            else _backend.SiluMul(b.GateUp, b.Activated);
            _backend.MatMul(b.Activated, layer.Down!, null, b.Hidden);
            lora?.Apply(i, LoraTarget.DownProj, b.Activated, b.Hidden);
            if (layer.FeedForwardOutputNorm is not null) _backend.RmsNorm(b.Hidden, layer.FeedForwardOutputNorm, eps, b.Hidden);
            _backend.Add(b.Residual, b.Hidden);
        }
        if (batch.LogitTokenIndices.Length == 0) return b.Logits;
        // Only the sampled rows need the final norm and the (large) vocabulary projection.
        _backend.GatherLogitRows(b.Residual, b.Selected);
        _backend.RmsNorm(b.Selected, _finalNorm, eps, b.Selected);
        _backend.MatMul(b.Selected, _lmHead!, null, b.Logits);
        if (Config.FinalLogitSoftCap is { } cap) _backend.SoftCap(b.Logits, (float)cap);
        return b.Logits;
    }

    /// <summary>The final hidden states (after the last norm) of every token of the last <see cref="Forward"/>, [tokens, hidden]:
    /// what embeddings pool. Valid until the next forward.</summary>
    public Tensor FinalHiddenStates()
    {
        _backend.RmsNorm(_last.Residual, _finalNorm, (float)Config.RmsNormEps, _last.Normed);
        return _last.Normed;
    }
}
