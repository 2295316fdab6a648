using System.Numerics.Tensors;

namespace Inference.Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache for one (token, KV head) work item: the token at position p
/// reads positions 0..p of its sequence through the block table; every query head of the GQA group shares
/// the K/V rows it loads.
/// </summary>
internal sealed unsafe class PagedAttention(
    CpuTensor q, CpuTensor keys, CpuTensor values, int blockSize, AttentionShape shape, ForwardBatch batch, CpuTensor output)
{
    [ThreadStatic] private static float[]? _scores;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(int item)
    {
        int token = item / shape.KvHeads, kvHead = item % shape.KvHeads;
        int sequence = batch.TokenSequence[token];
        int length = batch.Positions[token] + 1;
        int group = shape.GroupSize, headDim = shape.HeadDim;
        int tableStart = sequence * batch.MaxBlocksPerSequence;

        int needed = group * length;
        if (_scores is null || _scores.Length < needed) _scores = new float[Math.Max(needed, 1024)];
        var scores = _scores.AsSpan(0, needed);

        for (int j = 0; j < length; j++)
        {
            int slot = batch.BlockTables[tableStart + j / blockSize] * blockSize + j % blockSize;
            var key = new ReadOnlySpan<float>(keys.Row(slot) + kvHead * headDim, headDim);
            for (int g = 0; g < group; g++)
            {
                var query = new ReadOnlySpan<float>(q.Row(token) + (kvHead * group + g) * headDim, headDim);
                scores[g * length + j] = TensorPrimitives.Dot(query, key) * shape.Scale;
            }
        }
        for (int g = 0; g < group; g++)
        {
            var s = scores.Slice(g * length, length);
            TensorPrimitives.SoftMax(s, s);
            new Span<float>(output.Row(token) + (kvHead * group + g) * headDim, headDim).Clear();
        }
        for (int j = 0; j < length; j++)
        {
            int slot = batch.BlockTables[tableStart + j / blockSize] * blockSize + j % blockSize;
            var value = new ReadOnlySpan<float>(values.Row(slot) + kvHead * headDim, headDim);
            for (int g = 0; g < group; g++)
            {
                var o = new Span<float>(output.Row(token) + (kvHead * group + g) * headDim, headDim);
                TensorPrimitives.MultiplyAdd(value, scores[g * length + j], o, o);
            }
        }
    }
}
