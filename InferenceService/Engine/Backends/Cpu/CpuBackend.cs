using System.Numerics.Tensors;
using Inference.Engine.Loading;

namespace Inference.Engine.Backends.Cpu;

/// <summary>
/// The compute backend on host cores: F32 activations, weights kept F32 or BF16 (F16 is widened to F32),
/// SIMD through System.Numerics.Tensors / Vector512, work split over all cores.
/// </summary>
public sealed unsafe class CpuBackend(int? threads = null) : IComputeBackend
{
    private readonly CpuParallel _parallel = new(threads ?? Environment.ProcessorCount);
    private ForwardBatch _batch = null!;

    public string Name => "cpu";

    public Tensor LoadWeight(DType storage, params HostTensor[] rowBlocks)
    {
        var dtype = storage == DType.BF16 ? DType.BF16 : DType.F32;
        int cols = rowBlocks[0].Cols;
        if (rowBlocks.Any(b => b.Cols != cols)) throw new ArgumentException("Row blocks differ in width.");
        var tensor = CpuTensor.Allocate(rowBlocks.Sum(b => b.Rows), cols, dtype);
        long offset = 0;
        foreach (var block in rowBlocks)
        {
            long count = block.ElementCount;
            Convert(block, tensor.Data + offset * dtype.Size(), dtype, count);
            offset += count;
        }
        return tensor;
    }

    private static void Convert(HostTensor source, byte* destination, DType dtype, long count)
    {
        if (source.DType == dtype)
        {
            Buffer.MemoryCopy(source.Data, destination, count * dtype.Size(), count * dtype.Size());
            return;
        }
        for (long i = 0; i < count; i++)
        {
            if (dtype == DType.F32) ((float*)destination)[i] = source[i];
            else ((ushort*)destination)[i] = BFloat16.FromSingle(source[i]);
        }
    }

    public Tensor Allocate(int rows, int cols) => CpuTensor.Allocate(rows, cols, DType.F32);

    public KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim)
    {
        Tensor[] New() => Enumerable.Range(0, layers).Select(_ => Allocate(blockCount * blockSize, kvHeads * headDim)).ToArray();
        return new KvCache(New(), New(), blockCount, blockSize);
    }

    public void BeginStep(ForwardBatch batch) => _batch = batch;

    public void Embed(Tensor table, Tensor output)
    {
        var t = (CpuTensor)table;
        var o = (CpuTensor)output;
        var ids = _batch.TokenIds;
        for (int row = 0; row < ids.Length; row++)
        {
            if ((uint)ids[row] >= (uint)t.Rows) throw new ArgumentOutOfRangeException(nameof(output), $"Token id {ids[row]} is outside the vocabulary ({t.Rows}).");
            byte* src = t.RowBytes(ids[row]);
            float* dst = o.Row(row);
            if (t.DType == DType.F32) new Span<float>(src, t.Cols).CopyTo(new Span<float>(dst, o.Cols));
            else for (int i = 0; i < t.Cols; i++) dst[i] = Bf16Weight.Load1(src, i);
        }
    }

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        var xs = (CpuTensor)x;
        var o = (CpuTensor)output;
        var w = new ReadOnlySpan<float>(((CpuTensor)weight).Data, weight.Cols);
        int group = weight.Cols;
        for (int row = 0; row < xs.Rows; row++)
        {
            for (int start = 0; start < xs.Cols; start += group)
            {
                var src = new ReadOnlySpan<float>(xs.Row(row) + start, group);
                var dst = new Span<float>(o.Row(row) + start, group);
                float scale = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(src) / group + eps);
                TensorPrimitives.Multiply(src, scale, dst);
                TensorPrimitives.Multiply(dst, w, dst);
            }
        }
    }

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output)
    {
        var xs = (CpuTensor)x;
        var w = (CpuTensor)weight;
        var o = (CpuTensor)output;
        if (xs.Cols != w.Cols || o.Cols != w.Rows || o.Rows != xs.Rows)
            throw new ArgumentException($"MatMul shapes: x {xs}, weight {w}, output {o}.");
        // Split weight rows into chunks of 16 so both cores stream disjoint parts of the matrix.
        int chunks = Math.Max(1, Math.Min(w.Rows / 16, _parallel.Threads * 8));
        int rowsPerChunk = (w.Rows + chunks - 1) / chunks + 3 & ~3;
        chunks = (w.Rows + rowsPerChunk - 1) / rowsPerChunk;
        _parallel.For(chunks, chunk =>
        {
            int start = chunk * rowsPerChunk, end = Math.Min(w.Rows, start + rowsPerChunk);
            if (w.DType == DType.BF16)
                MatMulKernels.Rows<Bf16Weight>(xs.Row(0), xs.RowStride, xs.Rows, w.Data, w.Cols, o.Row(0), o.RowStride, start, end);
            else
                MatMulKernels.Rows<F32Weight>(xs.Row(0), xs.RowStride, xs.Rows, w.Data, w.Cols, o.Row(0), o.RowStride, start, end);
        });
        if (bias is CpuTensor b)
            for (int row = 0; row < o.Rows; row++)
                TensorPrimitives.Add(o.RowSpan(row), new ReadOnlySpan<float>(b.Data, b.Cols), o.RowSpan(row));
    }

    public void Rope(Tensor x, RotaryTable rope)
    {
        var xs = (CpuTensor)x;
        var cos = (CpuTensor)rope.Cos;
        var sin = (CpuTensor)rope.Sin;
        int half = rope.HeadDim / 2;
        var positions = _batch.Positions;
        for (int row = 0; row < xs.Rows; row++)
        {
            float* c = cos.Row(positions[row]);
            float* s = sin.Row(positions[row]);
            for (int head = 0; head < xs.Cols; head += rope.HeadDim)
            {
                float* h = xs.Row(row) + head;
                for (int i = 0; i < half; i++)
                {
                    float a = h[i], b = h[i + half];
                    h[i] = a * c[i] - b * s[i];
                    h[i + half] = b * c[i] + a * s[i];
                }
            }
        }
    }

    public void WriteKv(Tensor k, Tensor v, KvCache cache, int layer)
    {
        var ks = (CpuTensor)k;
        var vs = (CpuTensor)v;
        var kc = (CpuTensor)cache.Keys[layer];
        var vc = (CpuTensor)cache.Values[layer];
        var slots = _batch.SlotMapping;
        for (int row = 0; row < ks.Rows; row++)
        {
            if (slots[row] < 0) continue;
            ks.RowSpan(row).CopyTo(kc.RowSpan(slots[row]));
            vs.RowSpan(row).CopyTo(vc.RowSpan(slots[row]));
        }
    }

    public void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output)
    {
        var attention = new PagedAttention((CpuTensor)q, (CpuTensor)cache.Keys[layer], (CpuTensor)cache.Values[layer],
            cache.BlockSize, shape, _batch, (CpuTensor)output);
        _parallel.For(q.Rows * shape.KvHeads, attention.Run);
    }

    public void SiluMul(Tensor gateUp, Tensor output)
    {
        var g = (CpuTensor)gateUp;
        var o = (CpuTensor)output;
        int width = o.Cols;
        for (int row = 0; row < g.Rows; row++)
        {
            var gate = new ReadOnlySpan<float>(g.Row(row), width);
            var up = new ReadOnlySpan<float>(g.Row(row) + width, width);
            var dst = o.RowSpan(row);
            TensorPrimitives.Negate(gate, dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Add(dst, 1f, dst);
            TensorPrimitives.Divide(gate, dst, dst);   // silu(g) = g / (1 + e^-g)
            TensorPrimitives.Multiply(dst, up, dst);
        }
    }

    public void Add(Tensor x, Tensor y)
    {
        var xs = (CpuTensor)x;
        var ys = (CpuTensor)y;
        for (int row = 0; row < xs.Rows; row++) TensorPrimitives.Add(xs.RowSpan(row), ys.RowSpan(row), xs.RowSpan(row));
    }

    public void GatherLogitRows(Tensor x, Tensor output)
    {
        var xs = (CpuTensor)x;
        var o = (CpuTensor)output;
        var rows = _batch.LogitTokenIndices;
        for (int i = 0; i < rows.Length; i++) xs.RowSpan(rows[i]).CopyTo(o.RowSpan(i));
    }

    public void Download(Tensor source, Span<float> destination)
    {
        var s = (CpuTensor)source;
        for (int row = 0; row < s.Rows; row++) s.RowSpan(row).CopyTo(destination.Slice(row * s.Cols, s.Cols));
    }

    public void Dispose() => _parallel.Dispose();
}
