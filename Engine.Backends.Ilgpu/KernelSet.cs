using ILGPU;
using ILGPU.Runtime;
using Engine.Backends.Ilgpu.Kernels;

namespace Engine.Backends.Ilgpu;

/// <summary>The kernels compiled for one accelerator; each is launched as (stream, grid/group config, arguments).
/// Format-specific kernels compile on first use, so a model only pays for the weight formats it has.</summary>
internal sealed class KernelSet(Accelerator accelerator)
{
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int, NormShape> RmsNorm { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int, NormShape>(RowKernels.RmsNorm);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, Shape2> Softmax { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, Shape2>(RowKernels.Softmax);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<int>, Shape2> ArgMax { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<int>, Shape2>(RowKernels.ArgMax);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, RopeShape> Rope { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, RopeShape>(ElementwiseKernels.Rope);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, Shape2> SiluMul { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, int, Shape2>(ElementwiseKernels.SiluMul);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, Shape2> GeluTanhMul { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, int, Shape2>(ElementwiseKernels.GeluTanhMul);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, float, Shape2> Scale { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, float, Shape2>(ElementwiseKernels.Scale);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, float, Shape2> SoftCap { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, float, Shape2>(ElementwiseKernels.SoftCap);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, Shape2> Add { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, int, Shape2>(ElementwiseKernels.Add);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, Shape2> AddBias { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, Shape2>(ElementwiseKernels.AddBias);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<int>, ArrayView<float>, int, Shape2> GatherRows { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<int>, ArrayView<float>, int, Shape2>(ElementwiseKernels.GatherRows);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, ArrayView<int>, ArrayView<float>, Shape2> AddScaledRows { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<float>, int, ArrayView<int>, ArrayView<float>, Shape2>(ElementwiseKernels.AddScaledRows);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>, LoraShape> LoraShrink { get; } =
        accelerator.LoadKernel<ArrayView<float>, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>, LoraShape>(ElementwiseKernels.LoraShrink);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, LoraShape> LoraExpand { get; } =
        accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, LoraShape>(ElementwiseKernels.LoraExpand);

    private readonly Dictionary<Type, object> _formats = [];

    public FormatKernels<TFormat> For<TFormat>() where TFormat : struct, IWeightFormat
    {
        if (!_formats.TryGetValue(typeof(TFormat), out var kernels)) _formats[typeof(TFormat)] = kernels = new FormatKernels<TFormat>(accelerator);
        return (FormatKernels<TFormat>)kernels;
    }

    public QuantizedFormatKernels<TFormat> Quantized<TFormat>() where TFormat : struct, IQuantizedFormat
    {
        if (!_formats.TryGetValue(typeof(TFormat), out var kernels)) _formats[typeof(TFormat)] = kernels = new QuantizedFormatKernels<TFormat>(accelerator);
        return (QuantizedFormatKernels<TFormat>)kernels;
    }

    private readonly Dictionary<KvCacheDType, KvKernels> _kv = [];

    /// <summary>The KV-cache kernels of one --kv-cache-dtype, compiled on first use.</summary>
    public KvKernels ForKv(KvCacheDType dtype)
    {
        if (!_kv.TryGetValue(dtype, out var kernels))
            _kv[dtype] = kernels = dtype switch
            {
                KvCacheDType.Float32 => KvKernels.Create<F32KvFormat>(accelerator),
                KvCacheDType.BFloat16 => KvKernels.Create<Bf16KvFormat>(accelerator),
                KvCacheDType.Fp8E4M3 => KvKernels.Create<Fp8E4M3KvFormat>(accelerator),
                _ => KvKernels.Create<Fp8E5M2KvFormat>(accelerator),
            };
        return kernels;
    }
}

/// <summary>The KV-cache kernels of one cache element format (<see cref="IKvFormat"/>), and its host-side decoding.</summary>
internal sealed class KvKernels
{
    public required int PerWord { get; init; }
    public required Func<uint, int, float> Decode { get; init; }
    public required Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, int, Shape2> WriteKv { get; init; }
    public required Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, int, ArrayView<float>, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, AttentionParams> Attention { get; init; }

    public static KvKernels Create<TKv>(Accelerator accelerator) where TKv : struct, IKvFormat
    {
        var methods = new KvKernelMethods<TKv>();
        return new KvKernels
        {
            PerWord = default(TKv).PerWord,
            Decode = default(TKv).Decode,
            WriteKv = accelerator.LoadKernel(methods.WriteKv),
            Attention = accelerator.LoadKernel(methods.Attention),
        };
    }
}

internal sealed class FormatKernels<TFormat>(Accelerator accelerator) where TFormat : struct, IWeightFormat
{
    private static readonly FormatKernelMethods<TFormat> Methods = new();
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<ulong>, int, ArrayView<float>, ArrayView<float>, int, MatMulShape>? _matVec, _tiled;
    private Action<AcceleratorStream, KernelConfig, ArrayView<ulong>, int, ArrayView<int>, ArrayView<float>, int, Shape2>? _embed;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<ushort>, Shape2>? _encode16;

    public Action<AcceleratorStream, KernelConfig, ArrayView<ulong>, int, ArrayView<int>, ArrayView<float>, int, Shape2> Embed =>
        _embed ??= accelerator.LoadKernel(Methods.Embed);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<ulong>, int, ArrayView<float>, ArrayView<float>, int, MatMulShape> MatVec =>
        _matVec ??= accelerator.LoadKernel(Methods.MatVec);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<ulong>, int, ArrayView<float>, ArrayView<float>, int, MatMulShape> Tiled =>
        _tiled ??= accelerator.LoadKernel(Methods.Tiled);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<ushort>, Shape2> Encode16 =>
        _encode16 ??= accelerator.LoadKernel(Methods.Encode16);
}

internal sealed class QuantizedFormatKernels<TFormat>(Accelerator accelerator) where TFormat : struct, IQuantizedFormat
{
    private static readonly QuantizedKernelMethods<TFormat> Methods = new();
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, MatMulShape>? _matVec, _tiled;
    private Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<float>, int, Shape2>? _embed;

    public Action<AcceleratorStream, KernelConfig, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<float>, int, Shape2> Embed =>
        _embed ??= accelerator.LoadKernel(Methods.Embed);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, MatMulShape> MatVec =>
        _matVec ??= accelerator.LoadKernel(Methods.MatVec);
    public Action<AcceleratorStream, KernelConfig, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, MatMulShape> Tiled =>
        _tiled ??= accelerator.LoadKernel(Methods.Tiled);
}
