using System.Runtime.Intrinsics.X86;
using Engine.Loading;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Runs a matmul with quantized weights on all cores: quantizes the input rows once per activation format
/// the weight's segments need, then splits every segment's panels into chunks taken from a shared counter.</summary>
internal sealed unsafe class QuantizedMatMul(CpuParallel parallel, bool portable) : IDisposable
{
    private readonly QuantizedActivations _blocks32 = new();      // Q8_0 activations for Q8_0 / Q4_0 weights
    private readonly QuantizedActivations _k32 = new();           // Q8_K, sums per 32 (Q4_K)
    private readonly QuantizedActivations _k16 = new();           // Q8_K, sums per 16 (Q6_K)

    /// <summary>Whether the integer dot products use VPDPBUSD (else the portable Vector256 code).</summary>
    public bool UsesVnni { get; } = !portable && AvxVnni.IsSupported;

    public void Run(float* x, int xStride, int tokens, CpuQuantizedMatrix weight, float* output, int outStride)
    {
        foreach (var type in weight.Segments.Select(s => s.Type).Distinct())
        {
            var (acts, block, sub) = Activations(type);
            acts.Quantize(x, xStride, tokens, weight.Cols, block, sub, parallel);
        }
        var work = new List<(QuantizedSegment Segment, int Start, int End)>();
        int totalPanels = weight.Segments.Sum(s => s.Panels);
        int perChunk = Math.Max(1, (totalPanels + parallel.Threads * 8 - 1) / (parallel.Threads * 8));
        foreach (var segment in weight.Segments)
            for (int start = 0; start < segment.Panels; start += perChunk)
                work.Add((segment, start, Math.Min(segment.Panels, start + perChunk)));
        parallel.For(work.Count, i =>
        {
            var (segment, start, end) = work[i];
            var acts = Activations(segment.Type).Acts;
            if (UsesVnni) Panels<VnniDot>(segment, acts, tokens, output, outStride, start, end);
            else Panels<PortableDot>(segment, acts, tokens, output, outStride, start, end);
        });
    }

    private static void Panels<TD>(QuantizedSegment segment, QuantizedActivations acts, int tokens, float* output, int outStride, int start, int end)
        where TD : struct, IInt8Dot
    {
        switch (segment.Type)
        {
            case DType.Q8_0: QuantizedKernels.Panels<Q8_0Format, TD>(segment, acts, tokens, output, outStride, start, end); break;
            case DType.Q4_0: QuantizedKernels.Panels<Q4_0Format, TD>(segment, acts, tokens, output, outStride, start, end); break;
            case DType.Q4_K: QuantizedKernels.Panels<Q4_KFormat, TD>(segment, acts, tokens, output, outStride, start, end); break;
            default: QuantizedKernels.Panels<Q6_KFormat, TD>(segment, acts, tokens, output, outStride, start, end); break;
        }
    }

    private (QuantizedActivations Acts, int Block, int Sub) Activations(DType type) => type switch
    {
        DType.Q8_0 or DType.Q4_0 => (_blocks32, 32, 32),
        DType.Q4_K => (_k32, 256, 32),
        _ => (_k16, 256, 16),
    };

    public void Dispose()
    {
        _blocks32.Dispose();
        _k32.Dispose();
        _k16.Dispose();
    }
}
