using Engine.Backends;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>The logits of every position of a prompt, from one batched forward through a paged cache.</summary>
public static class PromptLogitsProbe
{
    public static float[][] Run(LlamaModel model, IComputeBackend backend, IReadOnlyList<int> tokens, int blockSize = 16,
        KvCacheDType kvCacheDType = KvCacheDType.Float32)
    {
        var c = model.Config;
        int blocks = (tokens.Count + blockSize - 1) / blockSize;
        var cache = backend.AllocateKvCache(c.NumLayers, blocks, blockSize, c.NumKvHeads, c.HeadDim, kvCacheDType);
        var table = Enumerable.Range(0, blocks).Reverse().ToArray();
        var positions = Enumerable.Range(0, tokens.Count).ToArray();
        var batch = new ForwardBatch
        {
            TokenIds = tokens.ToArray(),
            Positions = positions,
            SlotMapping = positions.Select(p => table[p / blockSize] * blockSize + p % blockSize).ToArray(),
            TokenSequence = new int[tokens.Count],
            BlockTables = table,
            MaxBlocksPerSequence = table.Length,
            LogitTokenIndices = positions,
        };
        var logits = model.Forward(batch, cache);
        var host = new float[logits.Rows * logits.Cols];
        backend.Download(logits, host);
        return Enumerable.Range(0, tokens.Count).Select(t => host.AsSpan(t * c.VocabSize, c.VocabSize).ToArray()).ToArray();
    }
}
