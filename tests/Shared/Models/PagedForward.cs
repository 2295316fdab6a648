using Engine.Backends;
using Engine.Lora;
using Engine.Models;

namespace Tests.Shared;

/// <summary>
/// One sequence through a model's forward pass over a paged KV cache, as the engine's scheduler would batch it:
/// positions <c>start</c> … <c>start + count − 1</c> of the tokens, their cache slots taken from the block table.
/// </summary>
public static class PagedForward
{
    /// <summary>The logits on the host: a row per position, or only the last position's row; every token under
    /// <paramref name="lora"/> when given.</summary>
    public static float[] Logits(IComputeBackend backend, LlamaModel model, KvCache cache, int[] blockTable, int[] tokens, int start, int count,
        bool allPositions = true, LoraAdapter? lora = null)
    {
        var adapters = lora is null ? null : new LoraStep(backend, new LoraScratch(backend, count), [(lora, Enumerable.Range(0, count).ToArray())]);
        var logits = model.Forward(Batch(cache, blockTable, tokens, start, count, allPositions ? Enumerable.Range(0, count).ToArray() : [count - 1]), cache, adapters);
        return Download(backend, logits);
    }

    /// <summary>The final hidden states (after the last norm) on the host, a row per position, from a step that asks for
    /// no logits (a pooling step).</summary>
    public static float[] FinalHiddenStates(IComputeBackend backend, LlamaModel model, KvCache cache, int[] blockTable, int[] tokens, int start, int count)
    {
        model.Forward(Batch(cache, blockTable, tokens, start, count, []), cache);
        return Download(backend, model.FinalHiddenStates());
    }

    private static ForwardBatch Batch(KvCache cache, int[] blockTable, int[] tokens, int start, int count, int[] logitRows)
    {
        var positions = Enumerable.Range(start, count).ToArray();
        return new ForwardBatch
        {
            TokenIds = tokens[start..(start + count)],
            Positions = positions,
            SlotMapping = positions.Select(p => blockTable[p / cache.BlockSize] * cache.BlockSize + p % cache.BlockSize).ToArray(),
            TokenSequence = new int[count],
            BlockTables = blockTable,
            MaxBlocksPerSequence = blockTable.Length,
            LogitTokenIndices = logitRows,
        };
    }

    private static float[] Download(IComputeBackend backend, Tensor tensor)
    {
        var host = new float[tensor.Rows * tensor.Cols];
        backend.Download(tensor, host);
        return host;
    }
}
