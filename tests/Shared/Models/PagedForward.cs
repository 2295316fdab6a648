using Engine.Backends;
using Engine.Models;

namespace Tests.Shared;

/// <summary>
/// One sequence through a model's forward pass over a paged KV cache, as the engine's scheduler would batch it:
/// positions <c>start</c> … <c>start + count − 1</c> of the tokens, their cache slots taken from the block table.
/// </summary>
public static class PagedForward
{
    /// <summary>The logits on the host: a row per position, or only the last position's row.</summary>
    public static float[] Logits(IComputeBackend backend, LlamaModel model, KvCache cache, int[] blockTable, int[] tokens, int start, int count,
        bool allPositions = true)
    {
        var positions = Enumerable.Range(start, count).ToArray();
        var batch = new ForwardBatch
        {
            TokenIds = tokens[start..(start + count)],
            Positions = positions,
            SlotMapping = positions.Select(p => blockTable[p / cache.BlockSize] * cache.BlockSize + p % cache.BlockSize).ToArray(),
            TokenSequence = new int[count],
            BlockTables = blockTable,
            MaxBlocksPerSequence = blockTable.Length,
            LogitTokenIndices = allPositions ? Enumerable.Range(0, count).ToArray() : [count - 1],
        };
        var logits = model.Forward(batch, cache);
        var host = new float[logits.Rows * logits.Cols];
        backend.Download(logits, host);
        return host;
    }
}
