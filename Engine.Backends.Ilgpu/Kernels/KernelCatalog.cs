using System.Reflection;
using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>Every kernel entry point the backend launches (generic ones once per weight format), for ahead-of-time checks such as PTX generation.</summary>
public static class KernelCatalog
{
    public static IReadOnlyList<(string Name, MethodInfo Method)> All()
    {
        var list = new List<(string, MethodInfo)>
        {
            ("rmsnorm", ((Action<ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int, NormShape>)RowKernels.RmsNorm).Method),
            ("softmax", ((Action<ArrayView<float>, int, Shape2>)RowKernels.Softmax).Method),
            ("argmax", ((Action<ArrayView<float>, int, ArrayView<int>, Shape2>)RowKernels.ArgMax).Method),
            ("rope", ((Action<ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, RopeShape>)ElementwiseKernels.Rope).Method),
            ("silu-mul", ((Action<ArrayView<float>, int, ArrayView<float>, int, Shape2>)ElementwiseKernels.SiluMul).Method),
            ("gelu-tanh-mul", ((Action<ArrayView<float>, int, ArrayView<float>, int, Shape2>)ElementwiseKernels.GeluTanhMul).Method),
            ("scale", ((Action<ArrayView<float>, int, float, Shape2>)ElementwiseKernels.Scale).Method),
            ("soft-cap", ((Action<ArrayView<float>, int, float, Shape2>)ElementwiseKernels.SoftCap).Method),
            ("add", ((Action<ArrayView<float>, int, ArrayView<float>, int, Shape2>)ElementwiseKernels.Add).Method),
            ("add-bias", ((Action<ArrayView<float>, int, ArrayView<float>, Shape2>)ElementwiseKernels.AddBias).Method),
            ("gather-rows", ((Action<ArrayView<float>, int, ArrayView<int>, ArrayView<float>, int, Shape2>)ElementwiseKernels.GatherRows).Method),
            ("add-scaled-rows", ((Action<ArrayView<float>, int, ArrayView<float>, int, ArrayView<int>, ArrayView<float>, Shape2>)ElementwiseKernels.AddScaledRows).Method),
            ("lora-shrink", ((Action<ArrayView<float>, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>, LoraShape>)ElementwiseKernels.LoraShrink).Method),
            ("lora-expand", ((Action<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, LoraShape>)ElementwiseKernels.LoraExpand).Method),
        };
        Formats<F32Format>("f32", list);
        Formats<Bf16Format>("bf16", list);
        Formats<F16Format>("f16", list);
        KvFormats<F32KvFormat>("f32", list);
        KvFormats<Bf16KvFormat>("bf16", list);
        KvFormats<Fp8E4M3KvFormat>("fp8-e4m3", list);
        KvFormats<Fp8E5M2KvFormat>("fp8-e5m2", list);
        Quantized<Q8_0Blocks>("q8_0", list);
        Quantized<Q4_0Blocks>("q4_0", list);
        Quantized<Q4_KBlocks>("q4_k", list);
        Quantized<Q6_KBlocks>("q6_k", list);
        return list;
    }

    private static void KvFormats<TKv>(string name, List<(string, MethodInfo)> list) where TKv : struct, IKvFormat
    {
        var kernels = new KvKernelMethods<TKv>();
        list.Add(($"write-kv-{name}", kernels.WriteKv.Method));
        list.Add(($"paged-attention-{name}", kernels.Attention.Method));
    }

    private static void Formats<TFormat>(string name, List<(string, MethodInfo)> list) where TFormat : struct, IWeightFormat
    {
        var kernels = new FormatKernelMethods<TFormat>();
        list.Add(($"embed-{name}", kernels.Embed.Method));
        list.Add(($"matvec-{name}", kernels.MatVec.Method));
        list.Add(($"matmul-tiled-{name}", kernels.Tiled.Method));
        if (name != "f32") list.Add(($"encode16-{name}", kernels.Encode16.Method));
    }

    private static void Quantized<TFormat>(string name, List<(string, MethodInfo)> list) where TFormat : struct, IQuantizedFormat
    {
        var kernels = new QuantizedKernelMethods<TFormat>();
        list.Add(($"embed-{name}", kernels.Embed.Method));
        list.Add(($"matvec-{name}", kernels.MatVec.Method));
        list.Add(($"matmul-tiled-{name}", kernels.Tiled.Method));
    }
}

/// <summary>The KV-cache kernels closed over one cache element format.</summary>
public sealed class KvKernelMethods<TKv> where TKv : struct, IKvFormat
{
    public Action<ArrayView<float>, int, ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<int>, int, Shape2> WriteKv { get; } = ElementwiseKernels.WriteKv<TKv>;
    public Action<ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, int, ArrayView<float>, int, ArrayView<int>, ArrayView<int>, ArrayView<int>, AttentionParams> Attention { get; } =
        AttentionKernels.PagedAttention<TKv>;
}

/// <summary>The format-generic kernels closed over one format.</summary>
public sealed class FormatKernelMethods<TFormat> where TFormat : struct, IWeightFormat
{
    public Action<ArrayView<ulong>, int, ArrayView<int>, ArrayView<float>, int, Shape2> Embed { get; } = ElementwiseKernels.Embed<TFormat>;
    public Action<ArrayView<float>, int, ArrayView<ulong>, int, ArrayView<float>, ArrayView<float>, int, MatMulShape> MatVec { get; } = MatMulKernels.MatVec<TFormat>;
    public Action<ArrayView<float>, int, ArrayView<ulong>, int, ArrayView<float>, ArrayView<float>, int, MatMulShape> Tiled { get; } = MatMulKernels.Tiled<TFormat>;
    public Action<ArrayView<float>, int, ArrayView<ushort>, Shape2> Encode16 { get; } = ElementwiseKernels.Encode16<TFormat>;
}

/// <summary>The quantized-weight kernels closed over one block format.</summary>
public sealed class QuantizedKernelMethods<TFormat> where TFormat : struct, IQuantizedFormat
{
    public Action<ArrayView<uint>, ArrayView<uint>, ArrayView<int>, ArrayView<float>, int, Shape2> Embed { get; } = QuantizedKernels.Embed<TFormat>;
    public Action<ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, MatMulShape> MatVec { get; } = QuantizedKernels.MatVec<TFormat>;
    public Action<ArrayView<float>, int, ArrayView<uint>, ArrayView<uint>, ArrayView<float>, ArrayView<float>, int, MatMulShape> Tiled { get; } = QuantizedKernels.Tiled<TFormat>;
}
