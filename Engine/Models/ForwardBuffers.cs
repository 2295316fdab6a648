using Engine.Backends;

namespace Engine.Models;

/// <summary>Activation buffers allocated once for the largest step; each step uses views of their first rows. A model
/// without logits (maxLogitRows 0) allocates none for them.</summary>
internal sealed class ForwardBuffers(IComputeBackend backend, ModelConfig c, int maxTokens, int maxLogitRows)
{
    private readonly Tensor _residual = backend.Allocate(maxTokens, c.HiddenSize);
    private readonly Tensor _normed = backend.Allocate(maxTokens, c.HiddenSize);
    private readonly Tensor _qkv = backend.Allocate(maxTokens, (c.NumHeads + 2 * c.NumKvHeads) * c.HeadDim);
    private readonly Tensor _attention = backend.Allocate(maxTokens, c.NumHeads * c.HeadDim);
    private readonly Tensor _hidden = backend.Allocate(maxTokens, c.HiddenSize);
    private readonly Tensor _gateUp = backend.Allocate(maxTokens, 2 * c.IntermediateSize);
    private readonly Tensor _activated = backend.Allocate(maxTokens, c.IntermediateSize);
    private readonly Tensor _selected = backend.Allocate(Math.Max(maxLogitRows, 1), c.HiddenSize);
    private readonly Tensor _logits = backend.Allocate(Math.Max(maxLogitRows, 1), maxLogitRows == 0 ? 1 : c.VocabSize);

    public StepBuffers For(int tokens, int logitRows)
    {
        if (tokens > maxTokens) throw new ArgumentOutOfRangeException(nameof(tokens), $"Step has {tokens} tokens; buffers hold {maxTokens}.");
        if (logitRows > maxLogitRows) throw new ArgumentOutOfRangeException(nameof(logitRows), $"Step samples {logitRows} rows; buffers hold {maxLogitRows}.");
        return new StepBuffers(_residual.FirstRows(tokens), _normed.FirstRows(tokens), _qkv.FirstRows(tokens),
            _attention.FirstRows(tokens), _hidden.FirstRows(tokens), _gateUp.FirstRows(tokens), _activated.FirstRows(tokens),
            _selected.FirstRows(logitRows), _logits.FirstRows(logitRows));
    }

    public readonly record struct StepBuffers(Tensor Residual, Tensor Normed, Tensor Qkv, Tensor Attention, Tensor Hidden,
        Tensor GateUp, Tensor Activated, Tensor Selected, Tensor Logits);
}
