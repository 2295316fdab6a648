using Engine.Backends;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>Forward batches for kernel tests: sequences of (first position, token count) over given block tables.</summary>
public static class Batches
{
    /// <summary>One sequence of <paramref name="tokens"/> tokens (ids, positions and logit rows as given, else zeros / 0..n-1 / none).</summary>
    public static ForwardBatch Simple(int tokens, int[]? ids = null, int[]? positions = null, int[]? logitRows = null) => new()
    {
        TokenIds = ids ?? new int[tokens],
        Positions = positions ?? Enumerable.Range(0, tokens).ToArray(),
        SlotMapping = Enumerable.Range(0, tokens).ToArray(),
        TokenSequence = new int[tokens],
        BlockTables = [0],
        MaxBlocksPerSequence = 1,
        LogitTokenIndices = logitRows ?? [],
    };

    /// <summary>Each sequence s computes tokens at positions start..start+count-1; tables[s] is its block table (-1 = unused).</summary>
    public static ForwardBatch Paged(int blockSize, int[][] tables, params (int Start, int Count)[] sequences)
    {
        int maxBlocks = tables.Max(t => t.Length);
        var flat = new int[tables.Length * maxBlocks];
        Array.Fill(flat, -1);
        for (int s = 0; s < tables.Length; s++) tables[s].CopyTo(flat, s * maxBlocks);
        var positions = new List<int>();
        var slots = new List<int>();
        var owner = new List<int>();
        var logits = new List<int>();
        for (int s = 0; s < sequences.Length; s++)
        {
            var (start, count) = sequences[s];
            for (int p = start; p < start + count; p++)
            {
                positions.Add(p);
                slots.Add(tables[s][p / blockSize] * blockSize + p % blockSize);
                owner.Add(s);
            }
            logits.Add(positions.Count - 1);
        }
        return new ForwardBatch
        {
            TokenIds = new int[positions.Count],
            Positions = [.. positions],
            SlotMapping = [.. slots],
            TokenSequence = [.. owner],
            BlockTables = flat,
            MaxBlocksPerSequence = maxBlocks,
            LogitTokenIndices = [.. logits],
        };
    }
}
