using System.Buffers;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Engine.Backends.Ilgpu.CuBlas;
using Engine.Backends.Ilgpu.Kernels;
using Engine.Loading;
using Engine.Loading.Quantization;

namespace Engine.Backends.Ilgpu;

/// <summary>
/// The compute backend on an ILGPU accelerator: CUDA (device memory, one stream, cuBLAS GEMMs for prefill where
/// libcublas is found) or ILGPU's CPU accelerator, which runs the very same kernels in an emulator so tests can
/// check them against <see cref="Cpu.CpuBackend"/> without a GPU. Weights are uploaded once in their stored
/// format (F32, BF16 or F16, or block-quantized Q8_0, Q4_0, Q4_K, Q6_K as <see cref="IQuantizedFormat"/> lays them
/// out, dequantized inside the kernels); activations and the KV cache are F32. A step copies its batch (one buffer of ints)
/// to the device in <see cref="BeginStep"/>; afterwards only kernel launches follow, until the logits or the
/// greedy token ids come back in <see cref="Download"/> / <see cref="ArgMax"/>.
/// </summary>
public sealed class IlgpuBackend : IComputeBackend
{
    private const int CudaGroupSize = 256;
    private const int CudaAttentionGroupSize = 128;
    private const int AttentionMaxTile = 32;
    private const int MaxSharedBytes = 48 * 1024;

    private readonly IlgpuBackendOptions _options;
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly KernelSet _kernels;
    private readonly List<MemoryBuffer> _buffers = [];
    private readonly int _warpSize, _groupSize, _attentionGroupSize, _tileSide, _maxGrid;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _noBias;
    private int _boundThread = -1;

    // The step's inputs, in one device buffer: ids | positions | slots | token→sequence | logit rows | block tables.
    private int[] _stepHost = [];
    private MemoryBuffer1D<int, Stride1D.Dense>? _stepDevice;
    private ForwardBatch? _batch;
    private readonly List<MemoryBuffer> _stepScratch = [];
    private ArrayView<int> _tokenIds, _positions, _slots, _tokenSequence, _logitRows, _blockTables;

    private MemoryBuffer1D<ushort, Stride1D.Dense>? _encoded;
    private MemoryBuffer1D<int, Stride1D.Dense>? _argMax;
    private CuBlasLibrary? _cuBlas;
    private IntPtr _cuBlasHandle;
    private bool _cuBlasTried;

    public IlgpuBackend(IlgpuBackendOptions? options = null)
    {
        _options = options ?? new IlgpuBackendOptions();
        if (_options.GpuMemoryUtilization is <= 0 or > 1)
            throw new ArgumentException($"--gpu-memory-utilization must be in (0, 1], got {_options.GpuMemoryUtilization}.");
        if (_options.Device == IlgpuDevice.Cuda)
        {
            _context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
            if (_context.GetCudaDevices().Count <= _options.DeviceIndex)
            {
                _context.Dispose();
                throw new NotSupportedException("--device cuda: no CUDA device was found (is the NVIDIA driver's libcuda.so installed?).");
            }
            _accelerator = _context.GetCudaDevice(_options.DeviceIndex).CreateAccelerator(_context);
            _groupSize = CudaGroupSize;
            _attentionGroupSize = CudaAttentionGroupSize;
            _maxGrid = 1 << 20;
        }
        else
        {
            _context = Context.Create(builder => builder.CPU().EnableAlgorithms());
            var device = new CPUDevice(_options.CpuWarpSize, _options.CpuWarpsPerGroup, 1);
            _accelerator = device.CreateCPUAccelerator(_context, CPUAcceleratorMode.Parallel);
            _groupSize = _accelerator.MaxNumThreadsPerGroup;
            _attentionGroupSize = _groupSize;
            _maxGrid = 64;
        }
        _warpSize = _accelerator.WarpSize;
        _groupSize -= _groupSize % _warpSize;
        _attentionGroupSize -= _attentionGroupSize % _warpSize;
        if (_groupSize / _warpSize > GroupReduce.MaxWarps) _groupSize = GroupReduce.MaxWarps * _warpSize;
        // The tiled matmul uses a square group of side² threads (a whole number of warps).
        _tileSide = (int)Math.Sqrt(_groupSize);
        while (_tileSide > 1 && _tileSide * _tileSide % _warpSize != 0) _tileSide--;
        _boundThread = Environment.CurrentManagedThreadId;
        _stream = _accelerator.CreateStream();
        _kernels = new KernelSet(_accelerator);
        _noBias = Track(_accelerator.Allocate1D<float>(1));
        Name = _options.Device == IlgpuDevice.Cuda ? $"cuda ({_accelerator.Name})" : "ilgpu-cpu";
    }

    public string Name { get; }

    /// <summary>Device memory in bytes.</summary>
    public long MemorySize => _accelerator.MemorySize;

    /// <summary>Where cuBLAS was loaded from, or why not (null before the first prefill-sized matmul).</summary>
    public string? CuBlasStatus { get; private set; }

    private T Track<T>(T buffer) where T : MemoryBuffer
    {
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>CUDA contexts are per thread: the engine loads on one thread and steps on another.</summary>
    private void Bind()
    {
        int thread = Environment.CurrentManagedThreadId;
        if (thread == _boundThread) return;
        _accelerator.Bind();
        _boundThread = thread;
    }

    // ---- memory ----

    public Tensor LoadMatrix(DType storage, params HostTensor[] rowBlocks)
    {
        if (storage.IsQuantized() || rowBlocks.Any(b => b.DType.IsQuantized())) return LoadQuantized(storage, rowBlocks);
        Bind();
        int cols = rowBlocks[0].Cols;
        if (rowBlocks.Any(b => b.Cols != cols)) throw new ArgumentException("Row blocks differ in width.");
        int rows = rowBlocks.Sum(b => b.Rows);
        int padded = IlgpuTensor.PaddedCols(cols);
        int perWord = storage == DType.F32 ? 2 : 4;
        var host = new ulong[(long)rows * padded / perWord];
        int firstRow = 0;
        foreach (var block in rowBlocks)
        {
            int baseRow = firstRow;
            Parallel.For(0, block.Rows, row => PackRow(block, row, host, (long)(baseRow + row) * padded, storage));
            firstRow += block.Rows;
        }
        var buffer = Track(_accelerator.Allocate1D<ulong>(Math.Max(host.LongLength, 1)));
        if (host.Length > 0) buffer.View.SubView(0, host.LongLength).CopyFromCPU(host);
        _accelerator.Synchronize();
        return IlgpuTensor.Weight(rows, cols, storage, buffer.View);
    }

    private static unsafe void PackRow(HostTensor source, int sourceRow, ulong[] words, long firstElement, DType storage)
    {
        long from = (long)sourceRow * source.Cols;
        fixed (ulong* w = words)
        {
            if (storage == DType.F32)
            {
                float* to = (float*)w + firstElement;
                for (int c = 0; c < source.Cols; c++) to[c] = source[from + c];
                return;
            }
            ushort* dst = (ushort*)w + firstElement;
            if (source.DType == storage)
            {
                new ReadOnlySpan<ushort>((ushort*)source.Data + from, source.Cols).CopyTo(new Span<ushort>(dst, source.Cols));
                return;
            }
            for (int c = 0; c < source.Cols; c++)
                dst[c] = storage == DType.BF16 ? BFloat16.FromSingle(source[from + c]) : BitConverter.HalfToUInt16Bits((System.Half)source[from + c]);
        }
    }

    /// <summary>Each row block in its quantized type (<see cref="QuantizedRowBlock"/>); adjacent blocks of one type
    /// are uploaded as one segment, so a q|k|v of one type is one kernel launch.</summary>
    private IlgpuQuantizedMatrix LoadQuantized(DType storage, HostTensor[] rowBlocks)
    {
        var blocks = new List<QuantizedRowBlock>();
        try
        {
            for (int i = 0; i < rowBlocks.Length; i++) blocks.Add(QuantizedRowBlock.Of(rowBlocks, i, storage));
            Bind();
            var segments = new List<QuantizedSegment>();
            int firstRow = 0;
            for (int start = 0, end; start < blocks.Count; start = end)
            {
                var type = blocks[start].Type;
                for (end = start + 1; end < blocks.Count && blocks[end].Type == type;) end++;
                var parts = blocks[start..end].Select(b => b.Rows).ToList();
                var (words, quantWords) = type switch
                {
                    DType.Q8_0 => QuantizedUpload.Split<Q8_0Blocks>(parts),
                    DType.Q4_0 => QuantizedUpload.Split<Q4_0Blocks>(parts),
                    DType.Q4_K => QuantizedUpload.Split<Q4_KBlocks>(parts),
                    _ => QuantizedUpload.Split<Q6_KBlocks>(parts),
                };
                var buffer = Track(_accelerator.Allocate1D<uint>(words.LongLength));
                buffer.View.CopyFromCPU(words);
                int rows = parts.Sum(p => p.Rows);
                segments.Add(new QuantizedSegment(type, firstRow, rows, buffer.View.SubView(0, quantWords), buffer.View.SubView(quantWords, words.LongLength - quantWords)));
                firstRow += rows;
            }
            _accelerator.Synchronize();
            return new IlgpuQuantizedMatrix(firstRow, rowBlocks[0].Cols, segments);
        }
        finally
        {
            foreach (var block in blocks) block.Dispose();
        }
    }

    public Tensor Upload(HostTensor data)
    {
        Bind();
        var host = new float[data.ElementCount];
        for (long i = 0; i < host.LongLength; i++) host[i] = data[i];
        var buffer = Track(_accelerator.Allocate1D<float>(Math.Max(host.LongLength, 1)));
        if (host.Length > 0) buffer.View.SubView(0, host.LongLength).CopyFromCPU(host);
        _accelerator.Synchronize();
        return IlgpuTensor.Activation(data.Rows, data.Cols, data.Cols, buffer.View);
    }

    public Tensor Allocate(int rows, int cols)
    {
        Bind();
        var buffer = Track(_accelerator.Allocate1D<float>(Math.Max((long)rows * cols, 1)));
        buffer.MemSetToZero();
        _accelerator.Synchronize();
        return IlgpuTensor.Activation(rows, cols, cols, buffer.View);
    }

    public KvCache AllocateKvCache(int layers, int blockCount, int blockSize, int kvHeads, int headDim, KvCacheDType dtype = KvCacheDType.Float32)
    {
        Bind();
        int perWord = _kernels.ForKv(dtype).PerWord, cols = kvHeads * headDim, rowWords = (cols + perWord - 1) / perWord;
        Tensor New()
        {
            var buffer = Track(_accelerator.Allocate1D<float>(Math.Max((long)blockCount * blockSize * rowWords, 1)));
            buffer.MemSetToZero();
            return IlgpuTensor.KvCache(blockCount * blockSize, cols, rowWords * perWord, dtype, buffer.View);
        }
        _accelerator.Synchronize();
        var keys = Enumerable.Range(0, layers).Select(_ => New()).ToArray();
        var values = Enumerable.Range(0, layers).Select(_ => New()).ToArray();
        _accelerator.Synchronize();
        return new KvCache(keys, values, blockSize, dtype);
    }

    /// <summary>On CUDA: <see cref="IlgpuBackendOptions.GpuMemoryUtilization"/> of the device memory free now (after the weights and buffers).</summary>
    public long? KvCacheBudget()
    {
        if (_options.Device != IlgpuDevice.Cuda) return null;
        Bind();
        var error = CudaAPI.CurrentAPI.GetMemoryInfo(out long free, out long _);
        if (error != CudaError.CUDA_SUCCESS) throw new InvalidOperationException($"cuMemGetInfo failed: {error}.");
        return (long)(free * _options.GpuMemoryUtilization);
    }

    // ---- step ----

    public void BeginStep(ForwardBatch batch)
    {
        Bind();
        _batch = batch;
        if (_stepScratch.Count > 0) _stream.Synchronize();   // a step without logits may still be running on them
        foreach (var buffer in _stepScratch) buffer.Dispose();
        _stepScratch.Clear();
        int n = batch.TokenCount, logits = batch.LogitTokenIndices.Length, tables = batch.BlockTables.Length;
        int total = 4 * n + logits + tables;
        if (_stepHost.Length < total) _stepHost = new int[Math.Max(total, 2 * _stepHost.Length)];
        if (_stepDevice is null || _stepDevice.Length < total)
        {
            _stepDevice?.Dispose();
            _stepDevice = _accelerator.Allocate1D<int>(Math.Max(_stepHost.Length, 1));
        }
        int at = 0;
        ArrayView<int> Put(int[] values)
        {
            values.CopyTo(_stepHost, at);
            var view = _stepDevice.View.SubView(at, values.Length);
            at += values.Length;
            return view;
        }
        _tokenIds = Put(batch.TokenIds);
        _positions = Put(batch.Positions);
        _slots = Put(batch.SlotMapping);
        _tokenSequence = Put(batch.TokenSequence);
        _logitRows = Put(batch.LogitTokenIndices);
        _blockTables = Put(batch.BlockTables);
        if (total > 0) _stepDevice.View.SubView(0, total).CopyFromCPU(_stream, new ReadOnlySpan<int>(_stepHost, 0, total));
    }

    private ForwardBatch Batch => _batch ?? throw new InvalidOperationException("BeginStep was not called.");

    private KernelConfig Elementwise(long count) =>
        new((int)Math.Clamp((count + _groupSize - 1) / _groupSize, 1, _maxGrid), _groupSize);

    private KernelConfig PerItem(long items, int threads) => new((int)Math.Clamp(items, 1, _maxGrid), threads);

    /// <summary>The smallest whole number of warps covering <paramref name="width"/>, at most a full group.</summary>
    private int ThreadsFor(int width) => Math.Min(_groupSize, Math.Max(_warpSize, (width + _warpSize - 1) / _warpSize * _warpSize));

    public void Embed(Tensor table, Tensor output)
    {
        Bind();
        var o = (IlgpuTensor)output;
        foreach (int id in Batch.TokenIds)
            if ((uint)id >= (uint)table.Rows) throw new ArgumentOutOfRangeException(nameof(output), $"Token id {id} is outside the vocabulary ({table.Rows}).");
        var shape = new Shape2(o.Rows, table.Cols);
        if (shape.Count == 0) return;
        var config = Elementwise(shape.Count);
        if (table is IlgpuQuantizedMatrix quantized)
        {
            if (quantized.Segments is not [var q]) throw new NotSupportedException("An embedding table must be one weight, not fused ones.");
            switch (q.Type)
            {
                case DType.Q8_0: _kernels.Quantized<Q8_0Blocks>().Embed(_stream, config, q.Quants, q.Parameters, _tokenIds, o.Floats, o.RowStride, shape); break;
                case DType.Q4_0: _kernels.Quantized<Q4_0Blocks>().Embed(_stream, config, q.Quants, q.Parameters, _tokenIds, o.Floats, o.RowStride, shape); break;
                case DType.Q4_K: _kernels.Quantized<Q4_KBlocks>().Embed(_stream, config, q.Quants, q.Parameters, _tokenIds, o.Floats, o.RowStride, shape); break;
                default: _kernels.Quantized<Q6_KBlocks>().Embed(_stream, config, q.Quants, q.Parameters, _tokenIds, o.Floats, o.RowStride, shape); break;
            }
            return;
        }
        var t = (IlgpuTensor)table;
        switch (t.DType)
        {
            case DType.F32: _kernels.For<F32Format>().Embed(_stream, config, t.Words, t.RowStride, _tokenIds, o.Floats, o.RowStride, shape); break;
            case DType.BF16: _kernels.For<Bf16Format>().Embed(_stream, config, t.Words, t.RowStride, _tokenIds, o.Floats, o.RowStride, shape); break;
            default: _kernels.For<F16Format>().Embed(_stream, config, t.Words, t.RowStride, _tokenIds, o.Floats, o.RowStride, shape); break;
        }
    }

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor output)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var o = (IlgpuTensor)output;
        int group = weight.Cols;
        if (xs.Cols % group != 0) throw new ArgumentException($"RmsNorm: {xs.Cols} columns are not whole groups of {group}.");
        var shape = new NormShape { Rows = xs.Rows, Cols = xs.Cols, GroupCols = group, Eps = eps };
        if (xs.Rows == 0) return;
        _kernels.RmsNorm(_stream, PerItem((long)xs.Rows * (xs.Cols / group), ThreadsFor(group)), xs.Floats, xs.RowStride,
            ((IlgpuTensor)weight).Floats, o.Floats, o.RowStride, shape);
    }

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor output)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var o = (IlgpuTensor)output;
        if (xs.Cols != weight.Cols || o.Cols != weight.Rows || o.Rows != xs.Rows || weight is IlgpuTensor { IsWeight: false })
            throw new ArgumentException($"MatMul shapes: x {xs}, weight {weight}, output {o}.");
        if (xs.Rows == 0) return;
        if (weight is IlgpuQuantizedMatrix quantized)
        {
            foreach (var segment in quantized.Segments)
            {
                switch (segment.Type)
                {
                    case DType.Q8_0: MatMul<Q8_0Blocks>(xs, segment, quantized.Cols, (IlgpuTensor?)bias, o); break;
                    case DType.Q4_0: MatMul<Q4_0Blocks>(xs, segment, quantized.Cols, (IlgpuTensor?)bias, o); break;
                    case DType.Q4_K: MatMul<Q4_KBlocks>(xs, segment, quantized.Cols, (IlgpuTensor?)bias, o); break;
                    default: MatMul<Q6_KBlocks>(xs, segment, quantized.Cols, (IlgpuTensor?)bias, o); break;
                }
            }
            return;
        }
        var w = (IlgpuTensor)weight;
        switch (w.DType)
        {
            case DType.F32: MatMul<F32Format>(xs, w, (IlgpuTensor?)bias, o); break;
            case DType.BF16: MatMul<Bf16Format>(xs, w, (IlgpuTensor?)bias, o); break;
            default: MatMul<F16Format>(xs, w, (IlgpuTensor?)bias, o); break;
        }
    }

    private void MatMul<TFormat>(IlgpuTensor x, IlgpuTensor w, IlgpuTensor? bias, IlgpuTensor o) where TFormat : struct, IWeightFormat
    {
        var kernels = _kernels.For<TFormat>();
        var shape = new MatMulShape { N = x.Rows, Out = w.Rows, In = w.Cols, HasBias = bias is null ? 0 : 1, Side = _tileSide };
        var biasView = bias?.Floats ?? _noBias.View;
        if (x.Rows <= _options.MatVecMaxRows)
        {
            kernels.MatVec(_stream, MatVecConfig(w.Rows), x.Floats, x.RowStride, w.Words, w.RowStride, biasView, o.Floats, o.RowStride, shape);
        }
        else if (CuBlas() is { } cuBlas)
        {
            GemmCuBlas<TFormat>(cuBlas, x, w, o);
            if (bias is not null)
            {
                var s = new Shape2(o.Rows, o.Cols);
                _kernels.AddBias(_stream, Elementwise(s.Count), o.Floats, o.RowStride, bias.Floats, s);
            }
        }
        else
        {
            kernels.Tiled(_stream, TiledConfig(x.Rows, w.Rows), x.Floats, x.RowStride, w.Words, w.RowStride, biasView, o.Floats, o.RowStride, shape);
        }
    }

    /// <summary>Output columns [FirstRow, FirstRow + Rows) from one segment of a quantized weight: the matvec for
    /// decode, else the tiled kernel (cuBLAS has no quantized GEMM).</summary>
    private void MatMul<TFormat>(IlgpuTensor x, QuantizedSegment w, int cols, IlgpuTensor? bias, IlgpuTensor o) where TFormat : struct, IQuantizedFormat
    {
        var kernels = _kernels.Quantized<TFormat>();
        var shape = new MatMulShape { N = x.Rows, Out = w.Rows, In = cols, HasBias = bias is null ? 0 : 1, Side = _tileSide };
        var biasView = bias?.Floats.SubView(w.FirstRow, w.Rows) ?? _noBias.View;
        var output = o.Floats.SubView(w.FirstRow, o.Floats.Length - w.FirstRow);
        if (x.Rows <= _options.MatVecMaxRows)
            kernels.MatVec(_stream, MatVecConfig(w.Rows), x.Floats, x.RowStride, w.Quants, w.Parameters, biasView, output, o.RowStride, shape);
        else
            kernels.Tiled(_stream, TiledConfig(x.Rows, w.Rows), x.Floats, x.RowStride, w.Quants, w.Parameters, biasView, output, o.RowStride, shape);
    }

    /// <summary>One warp per weight row.</summary>
    private KernelConfig MatVecConfig(int rows)
    {
        int warpsPerGroup = _groupSize / _warpSize;
        return PerItem((rows + warpsPerGroup - 1) / warpsPerGroup, _groupSize);
    }

    /// <summary>One group per (4·side)² output tile.</summary>
    private KernelConfig TiledConfig(int tokens, int rows)
    {
        int tile = 4 * _tileSide;
        long tiles = (long)((tokens + tile - 1) / tile) * ((rows + tile - 1) / tile);
        return new KernelConfig((int)Math.Clamp(tiles, 1, _maxGrid), _tileSide * _tileSide,
            SharedMemoryConfig.RequestDynamic<float>(2 * MatMulKernels.TileDepth * (tile + 1)));
    }

    /// <summary>cuBLAS (column-major) sees row-major output[N, Out] as Cᵀ: C[Out, N] = W[In, Out]ᵀ · X[In, N].
    /// 16-bit weights need 16-bit activations (GemmEx has no mixed inputs): x is encoded into a scratch buffer first.</summary>
    private void GemmCuBlas<TFormat>(CuBlasLibrary cuBlas, IlgpuTensor x, IlgpuTensor w, IlgpuTensor o) where TFormat : struct, IWeightFormat
    {
        if (w.DType == DType.F32)
        {
            cuBlas.Sgemm(_cuBlasHandle, CuBlasLibrary.OpT, CuBlasLibrary.OpN, w.Rows, x.Rows, w.Cols,
                DevicePointer(w.Words), w.RowStride, DevicePointer(x.Floats), x.RowStride, DevicePointer(o.Floats), o.RowStride);
            return;
        }
        var shape = new Shape2(x.Rows, x.Cols);
        if (_encoded is null || _encoded.Length < shape.Count)
        {
            _encoded?.Dispose();
            _encoded = _accelerator.Allocate1D<ushort>(shape.Count);
        }
        _kernels.For<TFormat>().Encode16(_stream, Elementwise(shape.Count), x.Floats, x.RowStride, _encoded.View, shape);
        cuBlas.GemmEx(_cuBlasHandle, CuBlasLibrary.OpT, CuBlasLibrary.OpN, w.Rows, x.Rows, w.Cols,
            DevicePointer(w.Words), w.DType == DType.BF16 ? CuBlasLibrary.DataBf16 : CuBlasLibrary.DataF16, w.RowStride,
            DevicePointer<ushort>(_encoded.View), x.Cols, DevicePointer(o.Floats), o.RowStride);
    }

    /// <summary>The device address of a view's first element (for cuBLAS).</summary>
    private static IntPtr DevicePointer<T>(ArrayView<T> view) where T : unmanaged => view.LoadEffectiveAddressAsPtr();

    private CuBlasLibrary? CuBlas()
    {
        if (_options.Device != IlgpuDevice.Cuda || !_options.UseCuBlas) return null;
        if (_cuBlasTried) return _cuBlas;
        _cuBlasTried = true;
        var library = CuBlasLibrary.TryLoad(out var error);
        if (library is null)
        {
            CuBlasStatus = $"cuBLAS not used ({error}); prefill matmuls use the tiled kernel";
            return null;
        }
        _cuBlasHandle = library.Create();
        library.SetStream(_cuBlasHandle, ((CudaStream)_stream).StreamPtr);
        CuBlasStatus = $"cuBLAS from {library.Path}";
        return _cuBlas = library;
    }

    public void Rope(Tensor x, RotaryTable rope)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var shape = new RopeShape { Rows = xs.Rows, Cols = xs.Cols, HeadDim = rope.HeadDim, RotaryDim = rope.RotaryDim };
        long pairs = (long)xs.Rows * (xs.Cols / rope.HeadDim) * (rope.RotaryDim / 2);
        if (pairs == 0) return;
        _kernels.Rope(_stream, Elementwise(pairs), xs.Floats, xs.RowStride, ((IlgpuTensor)rope.Cos).Floats, ((IlgpuTensor)rope.Sin).Floats, _positions, shape);
    }

    public void WriteKv(Tensor k, Tensor v, KvCache cache, int layer)
    {
        Bind();
        var ks = (IlgpuTensor)k;
        var vs = (IlgpuTensor)v;
        var kc = (IlgpuTensor)cache.Keys[layer];
        var vc = (IlgpuTensor)cache.Values[layer];
        var kernels = _kernels.ForKv(cache.DType);
        var shape = new Shape2(ks.Rows, kc.RowStride / kernels.PerWord);   // a thread per cache word
        if (shape.Count == 0) return;
        kernels.WriteKv(_stream, Elementwise(shape.Count), ks.Floats, ks.RowStride, vs.Floats, vs.RowStride, kc.Floats.Cast<uint>(), vc.Floats.Cast<uint>(),
            _slots, ks.Cols, shape);
    }

    public void Attention(Tensor q, KvCache cache, int layer, AttentionShape shape, Tensor output)
    {
        Bind();
        var qs = (IlgpuTensor)q;
        var o = (IlgpuTensor)output;
        var kc = (IlgpuTensor)cache.Keys[layer];
        var batch = Batch;
        if (qs.Rows == 0) return;
        int limit = (int)Math.Min(MaxSharedBytes, _accelerator.MaxSharedMemoryPerGroup) / sizeof(float);
        int tile = AttentionMaxTile;
        while (tile > 1 && AttentionParams.SharedFloats(shape.Heads, shape.KvHeads, shape.HeadDim, tile) > limit) tile /= 2;
        int floats = AttentionParams.SharedFloats(shape.Heads, shape.KvHeads, shape.HeadDim, tile);
        if (floats > limit) throw new NotSupportedException($"Attention with {shape.GroupSize} heads per KV head of {shape.HeadDim} does not fit in shared memory.");
        var p = new AttentionParams
        {
            Tokens = qs.Rows, Heads = shape.Heads, KvHeads = shape.KvHeads, HeadDim = shape.HeadDim,
            BlockSize = cache.BlockSize, MaxBlocks = batch.MaxBlocksPerSequence, Tile = tile, Scale = shape.Scale, Window = shape.Window,
            SoftCap = shape.SoftCap,
        };
        var config = new KernelConfig((int)Math.Clamp((long)qs.Rows * shape.KvHeads, 1, _maxGrid), _attentionGroupSize,
            SharedMemoryConfig.RequestDynamic<float>(floats));
        _kernels.ForKv(cache.DType).Attention(_stream, config, qs.Floats, qs.RowStride, kc.Floats.Cast<uint>(), ((IlgpuTensor)cache.Values[layer]).Floats.Cast<uint>(), kc.RowStride,
            o.Floats, o.RowStride, _positions, _tokenSequence, _blockTables, p);
    }

    public void SiluMul(Tensor gateUp, Tensor output) => GatedActivation(_kernels.SiluMul, gateUp, output);

    public void GeluTanhMul(Tensor gateUp, Tensor output) => GatedActivation(_kernels.GeluTanhMul, gateUp, output);

    /// <summary>output = activation(gate) · up over gateUp = [gate | up].</summary>
    private void GatedActivation(Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, Shape2> kernel, Tensor gateUp, Tensor output)
    {
        Bind();
        var g = (IlgpuTensor)gateUp;
        var o = (IlgpuTensor)output;
        var shape = new Shape2(g.Rows, o.Cols);
        if (shape.Count == 0) return;
        kernel(_stream, Elementwise(shape.Count), g.Floats, g.RowStride, o.Floats, o.RowStride, shape);
    }

    public void Scale(Tensor x, float factor) => InPlace(_kernels.Scale, x, factor);

    public void SoftCap(Tensor x, float cap) => InPlace(_kernels.SoftCap, x, cap);

    /// <summary>An elementwise kernel of one scalar over x, in place.</summary>
    private void InPlace(Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, float, Shape2> kernel, Tensor x, float value)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var shape = new Shape2(xs.Rows, xs.Cols);
        if (shape.Count == 0) return;
        kernel(_stream, Elementwise(shape.Count), xs.Floats, xs.RowStride, value, shape);
    }


    public void Add(Tensor x, Tensor y)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var ys = (IlgpuTensor)y;
        var shape = new Shape2(xs.Rows, xs.Cols);
        if (shape.Count == 0) return;
        _kernels.Add(_stream, Elementwise(shape.Count), xs.Floats, xs.RowStride, ys.Floats, ys.RowStride, shape);
    }

    public void GatherLogitRows(Tensor x, Tensor output)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        var o = (IlgpuTensor)output;
        var shape = new Shape2(Batch.LogitTokenIndices.Length, o.Cols);
        if (shape.Count == 0) return;
        _kernels.GatherRows(_stream, Elementwise(shape.Count), xs.Floats, xs.RowStride, _logitRows, o.Floats, o.RowStride, shape);
    }

    public void GatherRows(Tensor x, ReadOnlySpan<int> rows, Tensor output)
    {
        Bind();
        var (xs, o) = ((IlgpuTensor)x, (IlgpuTensor)output);
        var shape = new Shape2(rows.Length, o.Cols);
        if (shape.Count == 0) return;
        _kernels.GatherRows(_stream, Elementwise(shape.Count), xs.Floats, xs.RowStride, StepScratch(rows), o.Floats, o.RowStride, shape);
    }

    public void AddScaledRows(Tensor x, Tensor y, ReadOnlySpan<int> rows, ReadOnlySpan<float> weights)
    {
        Bind();
        var (xs, ys) = ((IlgpuTensor)x, (IlgpuTensor)y);
        var shape = new Shape2(rows.Length, xs.Cols);
        if (shape.Count == 0) return;
        _kernels.AddScaledRows(_stream, Elementwise(shape.Count), xs.Floats, xs.RowStride, ys.Floats, ys.RowStride, StepScratch(rows), StepScratch(weights), shape);
    }

    public void AddLoraDeltas(Tensor x, IReadOnlyList<LoraDelta> deltas, Tensor output)
    {
        Bind();
        var (xs, o) = ((IlgpuTensor)x, (IlgpuTensor)output);
        foreach (var delta in deltas)
        {
            var (down, up) = ((IlgpuTensor)delta.Down, (IlgpuTensor)delta.Up);
            if (down.Cols != xs.Cols || up.Cols != o.Cols || up.Rows != down.Rows || xs.Rows != o.Rows)
                throw new ArgumentException($"AddLoraDeltas shapes: x {xs}, down {down}, up {up}, output {o}.");
            int n = delta.Rows.Length, rank = down.Rows;
            if (n == 0) continue;
            var rows = StepScratch<int>(delta.Rows);
            var reduced = _accelerator.Allocate1D<float>((long)n * rank);
            _stepScratch.Add(reduced);
            var shrink = new LoraShape { Rows = n, Cols = rank, Width = xs.Cols };
            _kernels.LoraShrink(_stream, Elementwise(shrink.Count), xs.Floats, xs.RowStride, rows, down.Floats, delta.Scale, reduced.View, shrink);
            var expand = new LoraShape { Rows = n, Cols = o.Cols, Width = rank };
            _kernels.LoraExpand(_stream, Elementwise(expand.Count), reduced.View, up.Floats, rows, o.Floats, o.RowStride, expand);
        }
    }

    /// <summary>Copies host values the step's queued kernels read (expert routing) into a device buffer of their own, kept
    /// until the next step begins.</summary>
    private ArrayView<T> StepScratch<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var buffer = _accelerator.Allocate1D<T>(values.Length);
        buffer.View.CopyFromCPU(_stream, values);
        _stepScratch.Add(buffer);
        return buffer.View;
    }

    /// <summary>Softmax of each row in place (for probabilities on the device).</summary>
    public void Softmax(Tensor x)
    {
        Bind();
        var xs = (IlgpuTensor)x;
        if (xs.Rows == 0) return;
        _kernels.Softmax(_stream, PerItem(xs.Rows, ThreadsFor(xs.Cols)), xs.Floats, xs.RowStride, new Shape2(xs.Rows, xs.Cols));
    }

    public void ArgMax(Tensor source, Span<int> destination)
    {
        Bind();
        var s = (IlgpuTensor)source;
        if (s.Rows == 0) return;
        if (_argMax is null || _argMax.Length < s.Rows)
        {
            _argMax?.Dispose();
            _argMax = _accelerator.Allocate1D<int>(Math.Max(s.Rows, 64));
        }
        _kernels.ArgMax(_stream, PerItem(s.Rows, ThreadsFor(s.Cols)), s.Floats, s.RowStride, _argMax.View, new Shape2(s.Rows, s.Cols));
        _argMax.View.SubView(0, s.Rows).CopyToCPU(_stream, destination[..s.Rows]);
        _stream.Synchronize();
    }

    public void Download(Tensor source, Span<float> destination)
    {
        Bind();
        var s = (IlgpuTensor)source;
        if (s.KvDType is { } kvDType and not KvCacheDType.Float32)
        {
            DownloadKv(s, _kernels.ForKv(kvDType), destination);
            return;
        }
        if (s.RowStride == s.Cols)
        {
            long count = (long)s.Rows * s.Cols;
            if (count > 0) s.Floats.SubView(0, count).CopyToCPU(_stream, destination[..(int)count]);
        }
        else
        {
            for (int row = 0; row < s.Rows; row++)
                s.Floats.SubView((long)row * s.RowStride, s.Cols).CopyToCPU(_stream, destination.Slice(row * s.Cols, s.Cols));
        }
        _stream.Synchronize();
    }

    /// <summary>A compact KV cache's words, decoded on the host.</summary>
    private void DownloadKv(IlgpuTensor cache, KvKernels format, Span<float> destination)
    {
        var words = new float[cache.Floats.Length];
        cache.Floats.CopyToCPU(_stream, words);
        _stream.Synchronize();
        int rowWords = cache.RowStride / format.PerWord;
        for (int row = 0; row < cache.Rows; row++)
            for (int col = 0; col < cache.Cols; col++)
                destination[row * cache.Cols + col] = format.Decode(BitConverter.SingleToUInt32Bits(words[(long)row * rowWords + col / format.PerWord]), col % format.PerWord);
    }

    /// <summary>Waits for every launched kernel (for timing).</summary>
    public void Synchronize()
    {
        Bind();
        _stream.Synchronize();
    }

    public void Dispose()
    {
        Bind();
        _stream.Synchronize();
        if (_cuBlas is not null && _cuBlasHandle != IntPtr.Zero) _cuBlas.Destroy(_cuBlasHandle);
        _encoded?.Dispose();
        _argMax?.Dispose();
        _stepDevice?.Dispose();
        foreach (var buffer in _stepScratch) buffer.Dispose();
        foreach (var buffer in _buffers) buffer.Dispose();
        _stream.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }
}
