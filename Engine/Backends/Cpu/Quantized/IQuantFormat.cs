using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>
/// How one quantized type lies in the CPU backend's repacked layout (see <see cref="QuantizedLayout"/>) and how
/// its weights are read: every 8-row panel of a block is a run of 32-byte "groups", each holding 4 consecutive
/// weights of each of the 8 rows as unsigned bytes (row r's 4 bytes at 4r), which is what one VPDPBUSD multiplies
/// with 4 activation bytes into 8 row sums. Weight = scale · sub-scale · (byte − Offset) − min · sub-min.
/// The kernels are generic over it, so the JIT compiles one specialised loop per type.
/// </summary>
internal unsafe interface IQuantFormat
{
    /// <summary>Weights per block along a row (ggml's block: 32, or 256 for k-quants).</summary>
    static abstract int BlockElements { get; }

    /// <summary>Weights per sub-block (one sub-scale each).</summary>
    static abstract int SubElements { get; }

    /// <summary>Bytes of one block of one 8-row panel.</summary>
    static abstract int PanelBlockBytes { get; }

    static abstract int Offset { get; }
    static abstract bool HasSubScales { get; }
    static abstract bool HasMins { get; }

    /// <summary>The unsigned weights of group <paramref name="group"/> (4 columns × 8 rows) of sub-block <paramref name="sub"/>.</summary>
    static abstract Vector256<byte> Group(byte* block, int sub, int group);

    /// <summary>acc += the 8 rows' integer dot products of sub-block <paramref name="sub"/> with the activations
    /// <paramref name="x"/> (the sub-block's first element); groups unrolled, each loaded and decoded once.</summary>
    static abstract Vector256<int> SubDot<TD>(Vector256<int> acc, byte* block, int sub, sbyte* x) where TD : struct, IInt8Dot;

    /// <summary><see cref="SubDot{TD}"/> for 4 tokens at once (x1 = x0 + stride, ...), sharing each decoded group.</summary>
    static abstract void SubDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* block, int sub, sbyte* x, long stride) where TD : struct, IInt8Dot;

    static abstract Vector256<float> Scale(byte* block);
    static abstract Vector256<float> MinScale(byte* block);
    static abstract Vector256<float> SubScale(byte* block, int sub);
    static abstract Vector256<float> SubMin(byte* block, int sub);

    /// <summary>Writes one panel block from 8 decoded ggml blocks (rows past the matrix are zero).</summary>
    static abstract void Encode(in PanelSource source, byte* block);
}

/// <summary>8 rows' decoded ggml blocks: unsigned quants [row, element], sub-scales and sub-mins [row, sub], f16 scales.</summary>
internal readonly ref struct PanelSource(Span<byte> quants, Span<sbyte> subScales, Span<byte> subMins, Span<ushort> scales, Span<ushort> mins, int blockElements, int subBlocks)
{
    public readonly Span<byte> Quants = quants;
    public readonly Span<sbyte> SubScales = subScales;
    public readonly Span<byte> SubMins = subMins;
    public readonly Span<ushort> Scales = scales;
    public readonly Span<ushort> Mins = mins;

    public byte Quant(int row, int element) => Quants[row * blockElements + element];
    public sbyte SubScale(int row, int sub) => SubScales[row * subBlocks + sub];
    public byte SubMin(int row, int sub) => SubMins[row * subBlocks + sub];
}
