using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache. The token at position p reads positions 0..p of its sequence (the
/// last Window of them under sliding-window attention) through the block table. Work items are (tile, KV head): a tile is up to <see cref="TileTokens"/>
/// consecutive tokens of one sequence (a prefill chunk), so each cache block loaded serves every query of the
/// tile and every query head of the GQA group — a long prefill reads the cache once per tile, not per token.
/// Per block the keys of one head are one dim-major run (<see cref="CpuKvTensor"/>), so the scores of 16 slots
/// are one vector of multiply-adds with no horizontal sums, and the values are one contiguous run of rows. Generic over
/// the cache's element type, which is read as floats right where it is multiplied.
/// </summary>
internal sealed unsafe class PagedAttention<TKv> where TKv : IKvElement
{
    private const int TileTokens = 16;
    [ThreadStatic] private static float[]? _scratch;

    private readonly CpuTensor _q, _output;
    private readonly CpuKvTensor _keys, _values;
    private readonly AttentionShape _shape;
    private readonly ForwardBatch _batch;
    private readonly List<(int Start, int Count)> _tiles = [];
    private readonly bool _perToken;

    public PagedAttention(CpuTensor q, CpuKvTensor keys, CpuKvTensor values, AttentionShape shape, ForwardBatch batch, CpuTensor output, int threads)
    {
        (_q, _keys, _values, _shape, _batch, _output) = (q, keys, values, shape, batch, output);
        for (int t = 0; t < q.Rows; t++)
        {
            bool continues = _tiles.Count > 0 && _tiles[^1] is var (start, count) && count < TileTokens && start + count == t
                && batch.TokenSequence[t] == batch.TokenSequence[start] && batch.Positions[t] == batch.Positions[t - 1] + 1;
            if (continues) _tiles[^1] = (_tiles[^1].Start, _tiles[^1].Count + 1);
            else _tiles.Add((t, 1));
        }
        // A decode step with several sequences per core: one item per token, every head, read block by block (see
        // RunToken). FP8 only where its decode is a table lookup: with the arithmetic decode it was 1.6x slower this way.
        _perToken = (TKv.Size >= 2 || Fp8Lookup.IsSupported) && _tiles.Count >= 4 * threads && _tiles.All(t => t.Count == 1);
    }

    public int WorkItems => _perToken ? _tiles.Count : _tiles.Count * _shape.KvHeads;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int item)
    {
        if (_perToken)
        {
            RunToken(item);
            return;
        }
        var (first, tokens) = _tiles[item / _shape.KvHeads];
        int kvHead = item % _shape.KvHeads;
        int group = _shape.GroupSize, headDim = _shape.HeadDim, blockSize = _keys.BlockSize;
        var table = _batch.BlockTables.AsSpan(_batch.TokenSequence[first] * _batch.MaxBlocksPerSequence, _batch.MaxBlocksPerSequence);
        int firstPosition = _batch.Positions[first];
        int queries = tokens * group;                  // rows: (token, head of the group)
        int stride = (firstPosition + tokens + blockSize - 1) / blockSize * blockSize;   // whole blocks of scores

        int runBytes = blockSize * headDim * TKv.Size;
        int needed = queries * (headDim + stride);
        if (_scratch is null || _scratch.Length < needed) _scratch = new float[Math.Max(needed, 4096)];
        fixed (float* scratch = _scratch)
        {
            float* scaled = scratch, scores = scratch + queries * headDim;
            // Row r is query head kvHead * group + r % group of token first + r / group, in q and in the output.
            float* Head(CpuTensor t, int r) => t.Row(first + r / group) + (kvHead * group + r % group) * headDim;
            for (int r = 0; r < queries; r++)
                TensorPrimitives.Multiply(new ReadOnlySpan<float>(Head(_q, r), headDim), _shape.Scale, new Span<float>(scaled + r * headDim, headDim));
            for (int r = 0; r < queries; r++)
            {
                int seen = firstPosition + r / group + 1;   // token i of the tile sees positions up to firstPosition + i
                int from = _shape.FirstVisible(seen - 1), firstBlock = from / blockSize;   // a sliding window starts later
                float* row = scores + r * stride, query = scaled + r * headDim;
                int lastBlock = (seen - 1) / blockSize;
                for (int b = firstBlock; b <= lastBlock; b++)
                {
                    if (b < lastBlock) Prefetch(_keys.Run(table[b + 1], kvHead), runBytes);
                    Prefetch(_values.Run(table[b], kvHead), runBytes, toL2: true);
                    BlockScores(query, _keys.Run(table[b], kvHead), blockSize, headDim, row + b * blockSize);
                }
                Probabilities(row, from, seen, firstBlock * blockSize);

                float* output = Head(_output, r);
                new Span<float>(output, headDim).Clear();
                for (int b = firstBlock; b <= lastBlock; b++)
                {
                    if (b < lastBlock) Prefetch(_values.Run(table[b + 1], kvHead), runBytes);
                    AccumulateValues(row + b * blockSize, _values.Run(table[b], kvHead), Math.Min(blockSize, seen - b * blockSize), headDim, output);
                }
            }
        }
    }

    /// <summary>Scores [from, seen) of a row (soft-capped if the model caps them) to their softmax; the slots of the first
    /// block before the window, from <paramref name="blockStart"/>, to zero.</summary>
    private void Probabilities(float* row, int from, int seen, int blockStart)
    {
        var probabilities = new Span<float>(row + from, seen - from);
        if (_shape.SoftCap > 0) CpuBackend.SoftCapInPlace(probabilities, _shape.SoftCap);
        // TensorPrimitives.SoftMax does not subtract the maximum: a score above ~88 would overflow exp and give NaN.
        TensorPrimitives.Subtract(probabilities, TensorPrimitives.Max(probabilities), probabilities);
        TensorPrimitives.SoftMax(probabilities, probabilities);
        new Span<float>(row + blockStart, from - blockStart).Clear();
    }

    /// <summary>Asks for the run read next while this one is computed (and, into L2, the values of the block whose keys
    /// are being read): a sequence's blocks lie anywhere in the pool, and the hardware prefetcher does not follow a jump
    /// to the next one. Decoding 32 streams of 160 tokens (bench-110m shape, blocks scattered, same process alternating)
    /// the next-run prefetch made attention 1.29x faster with an F32 cache, 1.56x with BF16 and 1.37x with FP8 E4M3;
    /// the values into L2 another 1.05-1.15x; prefetching all of an item's runs at its start gained less.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* run, int bytes, bool toL2 = false)
    {
        if (!Sse.IsSupported) return;
        if (toL2) for (int i = 0; i < bytes; i += 64) Sse.Prefetch1(run + i);
        else for (int i = 0; i < bytes; i += 64) Sse.Prefetch0(run + i);
    }

    /// <summary>One decoding token, every head: block by block, the heads' runs of a block one after another, so the
    /// cache is read in whole-block stretches (kvHeads runs side by side) instead of one 4 KB run per block and head.
    /// 32 streams of 160 tokens, same process alternating: 1.43x faster than per (token, head) with an F32 cache, 1.33x
    /// with BF16; the same results to the bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunToken(int tile)
    {
        int token = _tiles[tile].Start;
        int group = _shape.GroupSize, headDim = _shape.HeadDim, blockSize = _keys.BlockSize, kvHeads = _shape.KvHeads;
        var table = _batch.BlockTables.AsSpan(_batch.TokenSequence[token] * _batch.MaxBlocksPerSequence, _batch.MaxBlocksPerSequence);
        int seen = _batch.Positions[token] + 1;
        int from = _shape.FirstVisible(seen - 1), firstBlock = from / blockSize, lastBlock = (seen - 1) / blockSize;
        int stride = (lastBlock + 1) * blockSize, queries = _shape.Heads;
        int runBytes = blockSize * headDim * TKv.Size;
        int needed = queries * (headDim + stride);
        if (_scratch is null || _scratch.Length < needed) _scratch = new float[Math.Max(needed, 4096)];
        fixed (float* scratch = _scratch)
        {
            float* scaled = scratch, scores = scratch + queries * headDim;
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(_q.Row(token), queries * headDim), _shape.Scale, new Span<float>(scaled, queries * headDim));
            for (int b = firstBlock; b <= lastBlock; b++)
                for (int h = 0; h < kvHeads; h++)
                {
                    if (h + 1 < kvHeads) Prefetch(_keys.Run(table[b], h + 1), runBytes);
                    else if (b < lastBlock) Prefetch(_keys.Run(table[b + 1], 0), runBytes);
                    Prefetch(_values.Run(table[b], h), runBytes, toL2: true);
                    byte* run = _keys.Run(table[b], h);
                    for (int g = 0; g < group; g++)
                    {
                        int r = h * group + g;
                        BlockScores(scaled + r * headDim, run, blockSize, headDim, scores + r * stride + b * blockSize);
                    }
                }
            for (int r = 0; r < queries; r++) Probabilities(scores + r * stride, from, seen, firstBlock * blockSize);
            float* output = _output.Row(token);
            new Span<float>(output, queries * headDim).Clear();
            for (int b = firstBlock; b <= lastBlock; b++)
                for (int h = 0; h < kvHeads; h++)
                {
                    if (h + 1 < kvHeads) Prefetch(_values.Run(table[b], h + 1), runBytes);
                    else if (b < lastBlock) Prefetch(_values.Run(table[b + 1], 0), runBytes);
                    byte* run = _values.Run(table[b], h);
                    int slots = Math.Min(blockSize, seen - b * blockSize);
                    for (int g = 0; g < group; g++)
                    {
                        int r = h * group + g;
                        AccumulateValues(scores + r * stride + b * blockSize, run, slots, headDim, output + r * headDim);
                    }
                }
        }
    }

    /// <summary>scores[s] = q · key[s] for the blockSize slots of one run (keys dim-major: key[s][d] = run[d * blockSize + s]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlockScores(float* q, byte* run, int blockSize, int headDim, float* scores)
    {
        int s = 0;
        for (; s + 16 <= blockSize; s += 16)
        {
            // Four accumulators so consecutive multiply-adds do not wait on each other.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d + 4 <= headDim; d += 4)
            {
                int k = d * blockSize + s;
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), TKv.Load16(run, k), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 1]), TKv.Load16(run, k + blockSize), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 2]), TKv.Load16(run, k + 2 * blockSize), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d + 3]), TKv.Load16(run, k + 3 * blockSize), a3);
            }
            for (; d < headDim; d++) a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), TKv.Load16(run, d * blockSize + s), a0);
            ((a0 + a1) + (a2 + a3)).Store(scores + s);
        }
        for (; s < blockSize; s++)
        {
            float sum = 0;
            for (int d = 0; d < headDim; d++) sum += q[d] * TKv.Load1(run, d * blockSize + s);
            scores[s] = sum;
        }
    }

    /// <summary>output += Σ p[s] · value[s] over the first <paramref name="slots"/> rows of one run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateValues(float* p, byte* run, int slots, int headDim, float* output)
    {
        int d = 0;
        for (; d + 16 <= headDim; d += 16)
        {
            Vector512<float> even = Vector512.Load(output + d), odd = default;
            int s = 0;
            for (; s + 2 <= slots; s += 2)
            {
                even = Vector512.FusedMultiplyAdd(Vector512.Create(p[s]), TKv.Load16(run, s * headDim + d), even);
                odd = Vector512.FusedMultiplyAdd(Vector512.Create(p[s + 1]), TKv.Load16(run, (s + 1) * headDim + d), odd);
            }
            if (s < slots) even = Vector512.FusedMultiplyAdd(Vector512.Create(p[s]), TKv.Load16(run, s * headDim + d), even);
            (even + odd).Store(output + d);
        }
        for (; d < headDim; d++)
        {
            float sum = output[d];
            for (int s = 0; s < slots; s++) sum += p[s] * TKv.Load1(run, s * headDim + d);
            output[d] = sum;
        }
    }
}
