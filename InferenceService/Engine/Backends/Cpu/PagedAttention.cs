using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Inference.Engine.Backends.Cpu;

/// <summary>
/// Causal attention over the paged KV cache. The token at position p reads positions 0..p of its sequence
/// through the block table. Work items are (tile, KV head): a tile is up to <see cref="TileTokens"/>
/// consecutive tokens of one sequence (a prefill chunk), so each K/V row loaded serves every query of the
/// tile and every query head of the GQA group — a long prefill reads the cache once per tile, not per token.
/// </summary>
internal sealed unsafe class PagedAttention
{
    private const int TileTokens = 16;
    [ThreadStatic] private static float[]? _scores;

    private readonly CpuTensor _q, _keys, _values, _output;
    private readonly int _blockSize;
    private readonly AttentionShape _shape;
    private readonly ForwardBatch _batch;
    private readonly List<(int Start, int Count)> _tiles = [];

    public PagedAttention(CpuTensor q, CpuTensor keys, CpuTensor values, int blockSize, AttentionShape shape, ForwardBatch batch, CpuTensor output)
    {
        (_q, _keys, _values, _blockSize, _shape, _batch, _output) = (q, keys, values, blockSize, shape, batch, output);
        for (int t = 0; t < q.Rows; t++)
        {
            bool continues = _tiles.Count > 0 && _tiles[^1] is var (start, count) && count < TileTokens && start + count == t
                && batch.TokenSequence[t] == batch.TokenSequence[start] && batch.Positions[t] == batch.Positions[t - 1] + 1;
            if (continues) _tiles[^1] = (_tiles[^1].Start, _tiles[^1].Count + 1);
            else _tiles.Add((t, 1));
        }
    }

    public int WorkItems => _tiles.Count * _shape.KvHeads;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(int item)
    {
        var (first, tokens) = _tiles[item / _shape.KvHeads];
        int kvHead = item % _shape.KvHeads;
        int group = _shape.GroupSize, headDim = _shape.HeadDim;
        int tableStart = _batch.TokenSequence[first] * _batch.MaxBlocksPerSequence;
        int firstPosition = _batch.Positions[first];
        int length = firstPosition + tokens;           // positions the last token of the tile sees
        int queries = tokens * group;                  // score rows: (token, head of the group)
        float scale = _shape.Scale;

        int needed = queries * length;
        if (_scores is null || _scores.Length < needed) _scores = new float[Math.Max(needed, 4096)];
        fixed (float* scores = _scores)
        {
            for (int j0 = 0; j0 < length; j0 += _blockSize)
            {
                int slot0 = _batch.BlockTables[tableStart + j0 / _blockSize] * _blockSize;
                for (int j = j0, end = Math.Min(length, j0 + _blockSize); j < end; j++)
                {
                    float* key = _keys.Row(slot0 + j - j0) + kvHead * headDim;
                    // Token i of the tile sees positions up to firstPosition + i.
                    for (int i = Math.Max(0, j - firstPosition); i < tokens; i++)
                    {
                        float* query = _q.Row(first + i) + kvHead * group * headDim;
                        for (int g = 0; g < group; g++)
                            scores[(i * group + g) * length + j] = Dot(query + g * headDim, key, headDim) * scale;
                    }
                }
            }
            for (int i = 0; i < tokens; i++)
            {
                int seen = firstPosition + i + 1;
                for (int g = 0; g < group; g++)
                {
                    var s = new Span<float>(scores + (i * group + g) * length, seen);
                    TensorPrimitives.SoftMax(s, s);
                    new Span<float>(Output(first + i, kvHead * group + g), headDim).Clear();
                }
            }
            for (int j0 = 0; j0 < length; j0 += _blockSize)
            {
                int slot0 = _batch.BlockTables[tableStart + j0 / _blockSize] * _blockSize;
                for (int j = j0, end = Math.Min(length, j0 + _blockSize); j < end; j++)
                {
                    float* value = _values.Row(slot0 + j - j0) + kvHead * headDim;
                    for (int i = Math.Max(0, j - firstPosition); i < tokens; i++)
                        for (int g = 0; g < group; g++)
                            Axpy(Output(first + i, kvHead * group + g), value, scores[(i * group + g) * length + j], headDim);
                }
            }
        }
    }

    private float* Output(int token, int head) => _output.Row(token) + head * _shape.HeadDim;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        var acc = Vector512<float>.Zero;
        for (; i + 16 <= n; i += 16) acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), acc);
        float sum = Vector512.Sum(acc);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += a · x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float* y, float* x, float a, int n)
    {
        int i = 0;
        var av = Vector512.Create(a);
        for (; i + 16 <= n; i += 16) Vector512.FusedMultiplyAdd(Vector512.Load(x + i), av, Vector512.Load(y + i)).Store(y + i);
        for (; i < n; i++) y[i] += a * x[i];
    }
}
