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
        var adapters = lora is null ? null : new LoraStep(backend, [(lora, Enumerable.Range(0, count).ToArray())]);
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

    /// <summary>Several sequences in one step, as the scheduler batches them: sequence i's tokens
    /// <c>starts[i]</c> … end of <c>prompts[i]</c> (its earlier positions already cached), slots from its own block table
    /// (all tables of one length). The logits of every position in the step, a row per token, on the host.</summary>
    public static float[] BatchLogits(IComputeBackend backend, LlamaModel model, KvCache cache, int[][] blockTables, int[][] prompts, int[] starts)
    {
        var positions = prompts.SelectMany((p, i) => Enumerable.Range(starts[i], p.Length - starts[i])).ToArray();
        var sequences = prompts.SelectMany((p, i) => Enumerable.Repeat(i, p.Length - starts[i])).ToArray();
        var batch = new ForwardBatch
        {
            TokenIds = prompts.SelectMany((p, i) => p[starts[i]..]).ToArray(),
            Positions = positions,
            SlotMapping = positions.Select((p, t) => blockTables[sequences[t]][p / cache.BlockSize] * cache.BlockSize + p % cache.BlockSize).ToArray(),
            TokenSequence = sequences,
            BlockTables = blockTables.SelectMany(t => t).ToArray(),
            MaxBlocksPerSequence = blockTables[0].Length,
            LogitTokenIndices = Enumerable.Range(0, positions.Length).ToArray(),
        };
        return Download(backend, model.Forward(batch, cache));
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
