using System.Numerics.Tensors;
using Engine.Backends.Cpu.Quantized;
using Engine.Loading;
using Engine.Loading.Quantization;

namespace Engine.Backends.Cpu;

/// <summary>
/// The compute backend on host cores: F32 activations, weights kept F32 or BF16 (F16 is widened to F32) or
/// block-quantized (Q8_0, Q4_0, Q4_K, Q6_K: see <see cref="QuantizedLayout"/>), SIMD through
/// System.Numerics.Tensors / Vector512 / AVX-VNNI, work split over all cores.
/// </summary>
public sealed unsafe class CpuBackend : IComputeBackend
{
    private readonly CpuParallel _parallel;
    private readonly QuantizedMatMul _quantized;
    private ForwardBatch _batch = null!;
    private CpuTensor? _padded;

    public CpuBackend(int? threads = null) : this(threads, portableQuantizedKernels: false) { }

    /// <param name="portableQuantizedKernels">Run quantized matmuls with the portable Vector256 code even where AVX-VNNI exists (tests).</param>
    internal CpuBackend(int? threads, bool portableQuantizedKernels)
    {
        _parallel = new CpuParallel(threads ?? Environment.ProcessorCount);
        _quantized = new QuantizedMatMul(_parallel, portableQuantizedKernels);
    }

    /// <summary>--device cpu (the default).</summary>
    public const string DeviceName = "cpu";

    public string Name => DeviceName;

    /// <summary>Whether quantized matmuls use AVX-VNNI integer dot products (else the portable Vector256 code).</summary>
    internal bool UsesVnni => _quantized.UsesVnni;

    /// <summary>Float blocks are stored as F32 or BF16, or quantized when <paramref name="storage"/> is a quantized
    /// type; quantized blocks keep their own type (fused q|k|v may mix Q4_K and Q6_K).</summary>
    public Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks)
    {
        if (storage.IsQuantized() || rowBlocks.Any(b => b.DType.IsQuantized())) return LoadQuantized(storage, rowBlocks);
        var dtype = storage == DType.BF16 ? DType.BF16 : DType.F32;   // F16 runs as F32 here
        int cols = rowBlocks[0].Cols;
        if (rowBlocks.Any(b => b.Cols != cols)) throw new ArgumentException("Row blocks differ in width.");
        var tensor = CpuTensor.AllocatePacked(rowBlocks.Sum(b => b.Rows), cols, dtype);
        int firstRow = 0;
        foreach (var block in rowBlocks)
        {
            int baseRow = firstRow;
            Parallel.For(0, block.Rows, row => PackRow(block, row, tensor, baseRow + row));
            firstRow += block.Rows;
        }
        return tensor;
    }

    private static CpuQuantizedMatrix LoadQuantized(DType storage, HostTensor[] rowBlocks)
    {
        var segments = new List<QuantizedSegment>();
        int firstRow = 0, cols = rowBlocks[0].Cols;
        for (int i = 0; i < rowBlocks.Length; i++)
        {
            using var block = QuantizedRowBlock.Of(rowBlocks, i, storage);
            var rows = block.Rows;
            int blocks = cols / block.Type.BlockElements();
            var data = new NativeBuffer((long)QuantizedLayout.Panels(rows.Rows) * blocks * QuantizedLayout.PanelBlockBytes(block.Type));
            QuantizedLayout.Repack(block.Type, r => (nint)rows.Row(r), rows.Rows, blocks, (byte*)data.Pointer);
            segments.Add(new QuantizedSegment(block.Type, firstRow, rows.Rows, cols, data));
            firstRow += rows.Rows;
        }
        return new CpuQuantizedMatrix(firstRow, cols, segments);
    }

    private static void PackRow(HostTensor source, int sourceRow, CpuTensor packed, int row)
    {
        long from = (long)sourceRow * source.Cols;
        // A chunk of a row is contiguous in the packed layout: stored as it is, a chunk is one copy.
        if (source.DType == packed.DType && packed.DType is DType.F32 or DType.BF16)
        {
            int size = packed.DType == DType.F32 ? sizeof(float) : sizeof(ushort);
            for (int col = 0; col < source.Cols; col += PackedLayout.Chunk)
            {
                int count = Math.Min(PackedLayout.Chunk, source.Cols - col);
                Buffer.MemoryCopy((byte*)source.Data + (from + col) * size, (byte*)packed.Data + PackedLayout.Offset(row, col, packed.RowStride) * size,
                    count * size, count * size);
            }
            return;
        }
        for (int col = 0; col < source.Cols; col++)
        {
            long to = PackedLayout.Offset(row, col, packed.RowStride);
            if (packed.DType == DType.F32) ((float*)packed.Data)[to] = source[from + col];
            else ((ushort*)packed.Data)[to] = source.DType == DType.BF16 ? ((ushort*)source.Data)[from + col] : BFloat16.FromSingle(source[from + col]);
        }
    }

    public Tensor Upload(HostTensor data)
    {
        var tensor = CpuTensor.Allocate(data.Rows, data.Cols, DType.F32);
        for (long i = 0; i < data.ElementCount; i++) ((float*)tensor.Data)[i] = data[i];
        return tensor;
    }

    public Tensor Allocate(int rows, int cols) => CpuTensor.Allocate(rows, cols, DType.F32);

    public KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32)
    {
        Tensor[] New(bool keys) => Enumerable.Range(0, layers).Select(_ => (Tensor)new CpuKvTensor(blockCount, blockSize, kvHeads, headDim, transposed: keys, dtype)).ToArray();
        return new KvCache(New(keys: true), New(keys: false), blockSize, dtype);
    }

    public void BeginStep(ForwardBatch batch) => _batch = batch;

    public void Embed(Tensor table, Tensor output)
    {
        var o = (CpuTensor)output;
        var ids = _batch.TokenIds;
        if (ids.Any(id => (uint)id >= (uint)table.Rows))
            throw new ArgumentOutOfRangeException(nameof(output), $"Token id {ids.First(id => (uint)id >= (uint)table.Rows)} is outside the vocabulary ({table.Rows}).");
        if (table is CpuQuantizedMatrix quantized)
        {
            for (int row = 0; row < ids.Length; row++) QuantizedRows.Dequantize(quantized, ids[row], o.RowSpan(row));
            return;
        }
        var t = (CpuTensor)table;
        for (int row = 0; row < ids.Length; row++)
        {
            int id = ids[row];
            float* dst = o.Row(row);
            for (int col = 0; col < t.Cols; col++)
            {
                long at = PackedLayout.Offset(id, col, t.RowStride);
                dst[col] = t.DType == DType.F32 ? ((float*)t.Data)[at] : Bf16Weight.Load1(t.Data, (int)at);
            }
        }
    }

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        var xs = (CpuTensor)x;
        var o = (CpuTensor)output;
        var weights = (CpuTensor)weight;
        int group = weight.Cols;
        ForRows(xs.Rows, xs.Cols, row =>
        {
            var w = new ReadOnlySpan<float>(weights.Data, group);
            for (int start = 0; start < xs.Cols; start += group)
            {
                var src = new ReadOnlySpan<float>(xs.Row(row) + start, group);
                var dst = new Span<float>(o.Row(row) + start, group);
                float scale = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(src) / group + eps);
                TensorPrimitives.Multiply(src, scale, dst);
                TensorPrimitives.Multiply(dst, w, dst);
            }
        });
    }

    /// <summary>Runs <paramref name="body"/> for every row, the rows split into one contiguous run per core when there
    /// is enough work (rows × <paramref name="rowWork"/>, roughly element operations) to pay for waking them: a step of
    /// 32 decodes spent ~6 % of its time in row-wise ops on one core, but its RMSNorms and adds were slower spread.</summary>
    private void ForRows(int rows, int rowWork, Action<int> body)
    {
        if ((long)rows * rowWork < ParallelRowWork)
        {
            for (int row = 0; row < rows; row++) body(row);
            return;
        }
        int chunks = Math.Min(rows, _parallel.Threads), perChunk = (rows + chunks - 1) / chunks;
        _parallel.For(chunks, chunk =>
        {
            for (int row = chunk * perChunk, end = Math.Min(rows, row + perChunk); row < end; row++) body(row);
        });
    }

    private const int ParallelRowWork = 1 << 16;

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output)
    {
        var xs = (CpuTensor)x;
        var o = (CpuTensor)output;
        if (weight is CpuQuantizedMatrix quantized)
        {
            if (xs.Cols != quantized.Cols || o.Cols != quantized.Rows || o.Rows != xs.Rows)
                throw new ArgumentException($"MatMul shapes: x {xs}, weight {quantized}, output {o}.");
            _quantized.Run(xs.Row(0), xs.RowStride, xs.Rows, quantized, o.Row(0), o.RowStride);
            AddBias(o, bias);
            return;
        }
        var w = (CpuTensor)weight;
        if (!w.Packed || xs.Cols != w.Cols || o.Cols != w.Rows || o.Rows != xs.Rows)
            throw new ArgumentException($"MatMul shapes: x {xs}, weight {w}, output {o}.");
        int paddedCols = w.RowStride;
        if (xs.Cols != paddedCols) xs = PaddedCopy(xs, paddedCols);
        // Panels are split into chunks that both cores take from a shared counter.
        int panels = PackedLayout.Panels(w.Rows);
        int chunks = Math.Min(panels, _parallel.Threads * 8);
        int perChunk = (panels + chunks - 1) / chunks;
        chunks = (panels + perChunk - 1) / perChunk;
        _parallel.For(chunks, chunk =>
        {
            int start = chunk * perChunk, end = Math.Min(panels, start + perChunk);
            if (w.DType == DType.BF16)
                MatMulKernels.Panels<Bf16Weight>(xs.Row(0), xs.RowStride, xs.Rows, w.Data, paddedCols, w.Rows, o.Row(0), o.RowStride, start, end);
            else
                MatMulKernels.Panels<F32Weight>(xs.Row(0), xs.RowStride, xs.Rows, w.Data, paddedCols, w.Rows, o.Row(0), o.RowStride, start, end);
        });
        AddBias(o, bias);
    }

    private static void AddBias(CpuTensor output, Tensor? bias)
    {
        if (bias is CpuTensor b)
            for (int row = 0; row < output.Rows; row++)
                TensorPrimitives.Add(output.RowSpan(row), new ReadOnlySpan<float>(b.Data, b.Cols), output.RowSpan(row));
    }

    /// <summary>x with its columns zero-padded to the weight's padded width (only for widths that are not a multiple of 16).</summary>
    private CpuTensor PaddedCopy(CpuTensor x, int paddedCols)
    {
        if (_padded is null || _padded.Rows < x.Rows || _padded.Cols < paddedCols)
            _padded = CpuTensor.Allocate(Math.Max(x.Rows, _padded?.Rows ?? 0), Math.Max(paddedCols, _padded?.Cols ?? 0), DType.F32);
        var copy = new CpuTensor(x.Rows, paddedCols, DType.F32, _padded.Cols, _padded.Data, _padded.Owner);
        for (int row = 0; row < x.Rows; row++)
        {
            var dst = new Span<float>(copy.Row(row), paddedCols);
            x.RowSpan(row).CopyTo(dst);
            dst[x.Cols..].Clear();
        }
        return copy;
    }

    public void Rope(Tensor x, RotaryTable rope)
    {
        var xs = (CpuTensor)x;
        var cos = (CpuTensor)rope.Cos;
        var sin = (CpuTensor)rope.Sin;
        int half = rope.RotaryDim / 2;
        var positions = _batch.Positions;
        ForRows(xs.Rows, 4 * xs.Cols, row =>
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
        });
    }

    public void WriteKv(Tensor k, Tensor v, KvCache cache, int layer)
    {
        var ks = (CpuTensor)k;
        var vs = (CpuTensor)v;
        var kc = (CpuKvTensor)cache.Keys[layer];
        var vc = (CpuKvTensor)cache.Values[layer];
        var slots = _batch.SlotMapping;
        ForRows(ks.Rows, 16 * ks.Cols, row =>
        {
            if (slots[row] < 0) return;
            kc.Write(slots[row], ks.Row(row));
            vc.Write(slots[row], vs.Row(row));
        });
    }

    public void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output)
    {
        var (qs, keys, values, o) = ((CpuTensor)q, (CpuKvTensor)cache.Keys[layer], (CpuKvTensor)cache.Values[layer], (CpuTensor)output);
        switch (cache.DType)
        {
            case KvCacheDType.Float32: Run(new PagedAttention<F32Kv>(qs, keys, values, shape, _batch, o, _parallel.Threads)); break;
            case KvCacheDType.BFloat16: Run(new PagedAttention<Bf16Kv>(qs, keys, values, shape, _batch, o, _parallel.Threads)); break;
            case KvCacheDType.Fp8E4M3: Run(new PagedAttention<Fp8E4M3Kv>(qs, keys, values, shape, _batch, o, _parallel.Threads)); break;
            default: Run(new PagedAttention<Fp8E5M2Kv>(qs, keys, values, shape, _batch, o, _parallel.Threads)); break;
        }
    }

    private void Run<TKv>(PagedAttention<TKv> attention) where TKv : IKvElement => _parallel.For(attention.WorkItems, attention.Run);

    public void SiluMul(Tensor gateUp, Tensor output)
    {
        var g = (CpuTensor)gateUp;
        var o = (CpuTensor)output;
        int width = o.Cols;
        ForRows(g.Rows, 4 * width, row =>
        {
            var gate = new ReadOnlySpan<float>(g.Row(row), width);
            var up = new ReadOnlySpan<float>(g.Row(row) + width, width);
            var dst = o.RowSpan(row);
            TensorPrimitives.Negate(gate, dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Add(dst, 1f, dst);
            TensorPrimitives.Divide(gate, dst, dst);   // silu(g) = g / (1 + e^-g)
            TensorPrimitives.Multiply(dst, up, dst);
        });
    }

    public void GeluTanhMul(Tensor gateUp, Tensor output)
    {
        var g = (CpuTensor)gateUp;
        var o = (CpuTensor)output;
        int width = o.Cols;
        float c = MathF.Sqrt(2 / MathF.PI);
        ForRows(g.Rows, 4 * width, row =>
        {
            var gate = new ReadOnlySpan<float>(g.Row(row), width);
            var up = new ReadOnlySpan<float>(g.Row(row) + width, width);
            var dst = o.RowSpan(row);
            TensorPrimitives.Multiply(gate, gate, dst);
            TensorPrimitives.Multiply(dst, 0.044715f * c, dst);
            TensorPrimitives.Add(dst, c, dst);   // c · (1 + 0.044715 g²)
            TensorPrimitives.Multiply(dst, gate, dst);
            TensorPrimitives.Tanh(dst, dst);
            TensorPrimitives.Add(dst, 1f, dst);
            TensorPrimitives.Multiply(dst, gate, dst);
            TensorPrimitives.Multiply(dst, 0.5f, dst);
            TensorPrimitives.Multiply(dst, up, dst);
        });
    }

    public void Scale(Tensor x, float factor)
    {
        var xs = (CpuTensor)x;
        for (int row = 0; row < xs.Rows; row++) TensorPrimitives.Multiply(xs.RowSpan(row), factor, xs.RowSpan(row));
    }

    public void SoftCap(Tensor x, float cap)
    {
        var xs = (CpuTensor)x;
        for (int row = 0; row < xs.Rows; row++) SoftCapInPlace(xs.RowSpan(row), cap);
    }

    /// <summary>x = tanh(x / cap) · cap.</summary>
    internal static void SoftCapInPlace(Span<float> x, float cap)
    {
        TensorPrimitives.Divide(x, cap, x);
        TensorPrimitives.Tanh(x, x);
        TensorPrimitives.Multiply(x, cap, x);
    }

    public void Add(Tensor x, Tensor y)
    {
        var xs = (CpuTensor)x;
        var ys = (CpuTensor)y;
        ForRows(xs.Rows, xs.Cols, row => TensorPrimitives.Add(xs.RowSpan(row), ys.RowSpan(row), xs.RowSpan(row)));
    }

    public void GatherLogitRows(Tensor x, Tensor output)
    {
        var xs = (CpuTensor)x;
        var o = (CpuTensor)output;
        var rows = _batch.LogitTokenIndices;
        for (int i = 0; i < rows.Length; i++) xs.RowSpan(rows[i]).CopyTo(o.RowSpan(i));
    }

    public void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output)
    {
        var (xs, o) = ((CpuTensor)x, (CpuTensor)output);
        for (int i = 0; i < rows.Length; i++) xs.RowSpan(rows[i]).CopyTo(o.RowSpan(i));
    }

    public void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights)
    {
        var (xs, ys) = ((CpuTensor)x, (CpuTensor)y);
        for (int i = 0; i < rows.Length; i++) TensorPrimitives.MultiplyAdd(ys.RowSpan(i), weights[i], xs.RowSpan(rows[i]), xs.RowSpan(rows[i]));
    }

    public void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output)
    {
        var (xs, o) = ((CpuTensor)x, (CpuTensor)output);
        var items = new List<(LoraDelta Delta, int Row)>();
        long work = 0;
        foreach (var delta in deltas)
        {
            var (down, up) = ((CpuTensor)delta.Down, (CpuTensor)delta.Up);
            if (down.Cols != xs.Cols || up.Cols != o.Cols || up.Rows != down.Rows || xs.Rows != o.Rows)
                throw new ArgumentException($"AddLoraDeltas shapes: x {xs}, down {down}, up {up}, output {o}.");
            foreach (int row in delta.Rows) items.Add((delta, row));
            work += (long)delta.Rows.Length * down.Rows * (down.Cols + up.Cols);
        }
        // Each row is r·(in + out) multiply-adds: a decode step's few rows are often less work than waking the other
        // cores costs, so they are spread over the cores only from ~25 µs of work on one.
        int chunks = work < LoraParallelWork ? 1 : Math.Min(items.Count, _parallel.Threads * 4);
        _parallel.For(chunks, chunk =>
        {
            for (int i = chunk; i < items.Count; i += chunks) AddLoraDelta(xs, items[i].Delta, items[i].Row, o);
        });
    }

    private const long LoraParallelWork = 1 << 18;

    private static void AddLoraDelta(CpuTensor x, LoraDelta delta, int row, CpuTensor output)
    {
        var (down, up) = ((CpuTensor)delta.Down, (CpuTensor)delta.Up);
        Span<float> reduced = down.Rows <= 256 ? stackalloc float[down.Rows] : new float[down.Rows];
        var input = x.RowSpan(row);
        for (int j = 0; j < down.Rows; j++) reduced[j] = delta.Scale * TensorPrimitives.Dot(input, down.RowSpan(j));
        var result = output.RowSpan(row);
        for (int j = 0; j < up.Rows; j++) TensorPrimitives.MultiplyAdd(up.RowSpan(j), reduced[j], result, result);
    }

    /// <summary>Straight from the logits, rows on all cores (the interface's default copies them to the host first).</summary>
    public void ArgMax(Tensor source, Span<int> destination)
    {
        var s = (CpuTensor)source;
        var ids = new int[s.Rows];
        ForRows(s.Rows, s.Cols, row => ids[row] = TensorPrimitives.IndexOfMax(s.RowSpan(row)));
        ids.CopyTo(destination);
    }

    public void Download(Tensor source, Span<float> destination)
    {
        if (source is CpuKvTensor kv)
        {
            for (int slot = 0; slot < kv.Rows; slot++) kv.Read(slot, destination.Slice(slot * kv.Cols, kv.Cols));
            return;
        }
        var s = (CpuTensor)source;
        for (int row = 0; row < s.Rows; row++) s.RowSpan(row).CopyTo(destination.Slice(row * s.Cols, s.Cols));
    }

    public void Dispose()
    {
        _parallel.Dispose();
        _quantized.Dispose();
    }
}
