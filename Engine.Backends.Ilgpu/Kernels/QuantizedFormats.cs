using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// How a ggml block-quantized weight lies on the device. Each block is split into its two contiguous parts: the
/// quants (an aligned stream of 32-bit words, row after row, so the lanes of a warp read consecutive words) and the
/// parameters (f16 scales, sub-block scales and mins: a byte stream read through words, which the lanes of one block
/// share). Nothing is expanded: a row takes exactly ggml's bytes. The ggml block is
/// [..ParamOffset: params | ..QuantOffset: quants] in some order, which <see cref="GgmlQuantOffset"/> and
/// <see cref="GgmlParamOffset"/> say.
/// <para>Weights are dequantized to F32 in registers and multiplied with F32 activations (no activation
/// quantization): the result is F32 arithmetic on exactly ggml's dequantized values.</para>
/// </summary>
public interface IQuantizedFormat
{
    /// <summary>Weights per block.</summary>
    int BlockElements { get; }

    /// <summary>32-bit words of quants per block.</summary>
    int QuantWords { get; }

    /// <summary>Bytes of parameters per block.</summary>
    int ParamBytes { get; }

    /// <summary>Where the quants and the parameters start in ggml's block.</summary>
    int GgmlQuantOffset { get; }

    int GgmlParamOffset { get; }

    /// <summary>The 8 weights of <paramref name="unit"/> (0 ≤ unit &lt; BlockElements / 8) of a block, decoded from
    /// one quant word (two for Q8_0, a low and a high word for Q6_K): every format's unit is two runs of 4 consecutive weights.</summary>
    WeightOctet Octet(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int unit);

    /// <summary>Weight <paramref name="index"/> (0 ≤ index &lt; BlockElements) of a block.</summary>
    float Element(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int index);
}

/// <summary>Weights A0..A3 at block positions FirstA.. and B0..B3 at FirstB...</summary>
public struct WeightOctet
{
    public float A0, A1, A2, A3, B0, B1, B2, B3;
    public int FirstA, FirstB;

    /// <summary>Σ weight · x over the 8 weights, x indexed from the block's first element at <paramref name="blockStart"/>.</summary>
    public readonly float Dot(ArrayView<float> x, long blockStart)
    {
        long a = blockStart + FirstA, b = blockStart + FirstB;
        return A0 * x[a] + A1 * x[a + 1] + A2 * x[a + 2] + A3 * x[a + 3] + B0 * x[b] + B1 * x[b + 1] + B2 * x[b + 2] + B3 * x[b + 3];
    }
}

/// <summary>Bytes and f16 values out of a word stream (parameters are byte-addressed, at most 2-byte aligned).</summary>
public static class PackedBytes
{
    public static uint Byte(ArrayView<uint> words, long at) => (words[at >> 2] >> (int)(8 * (at & 3))) & 0xFFu;

    /// <summary>The f16 at byte <paramref name="at"/> (even, so both bytes are in one word).</summary>
    public static float Half(ArrayView<uint> words, long at) => Interop.IntAsFloat((ushort)(words[at >> 2] >> (int)(8 * (at & 3))));
}

/// <summary>block_q8_0 {f16 d; i8 qs[32]}: x = d·q. Unit u is quants 8u..8u+7, two words.</summary>
public struct Q8_0Blocks : IQuantizedFormat
{
    public readonly int BlockElements => 32;
    public readonly int QuantWords => 8;
    public readonly int ParamBytes => 2;
    public readonly int GgmlQuantOffset => 2;
    public readonly int GgmlParamOffset => 0;

    public readonly WeightOctet Octet(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int unit)
    {
        float d = PackedBytes.Half(parameters, block * 2);
        long at = block * 8 + 2 * unit;
        uint a = quants[at], b = quants[at + 1];
        return new WeightOctet
        {
            A0 = d * (sbyte)a, A1 = d * (sbyte)(a >> 8), A2 = d * (sbyte)(a >> 16), A3 = d * (sbyte)(a >> 24),
            B0 = d * (sbyte)b, B1 = d * (sbyte)(b >> 8), B2 = d * (sbyte)(b >> 16), B3 = d * (sbyte)(b >> 24),
            FirstA = 8 * unit, FirstB = 8 * unit + 4,
        };
    }

    public readonly float Element(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int index) =>
        PackedBytes.Half(parameters, block * 2) * (sbyte)(quants[block * 8 + (index >> 2)] >> (8 * (index & 3)));
}

/// <summary>block_q4_0 {f16 d; u8 qs[16]}: element j in the low nibble of qs[j], j + 16 in its high nibble,
/// x = d·(q − 8). Unit u is quant word u: elements 4u.. (low nibbles) and 4u + 16.. (high nibbles).</summary>
public struct Q4_0Blocks : IQuantizedFormat
{
    public readonly int BlockElements => 32;
    public readonly int QuantWords => 4;
    public readonly int ParamBytes => 2;
    public readonly int GgmlQuantOffset => 2;
    public readonly int GgmlParamOffset => 0;

    public readonly WeightOctet Octet(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int unit)
    {
        float d = PackedBytes.Half(parameters, block * 2);
        uint w = quants[block * 4 + unit];
        return new WeightOctet
        {
            A0 = d * ((int)(w & 0xF) - 8), A1 = d * ((int)((w >> 8) & 0xF) - 8),
            A2 = d * ((int)((w >> 16) & 0xF) - 8), A3 = d * ((int)((w >> 24) & 0xF) - 8),
            B0 = d * ((int)((w >> 4) & 0xF) - 8), B1 = d * ((int)((w >> 12) & 0xF) - 8),
            B2 = d * ((int)((w >> 20) & 0xF) - 8), B3 = d * ((int)(w >> 28) - 8),
            FirstA = 4 * unit, FirstB = 4 * unit + 16,
        };
    }

    public readonly float Element(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int index)
    {
        int j = index & 15;
        uint q = (quants[block * 4 + (j >> 2)] >> (8 * (j & 3) + (index >> 4) * 4)) & 0xF;
        return PackedBytes.Half(parameters, block * 2) * ((int)q - 8);
    }
}

/// <summary>block_q4_K {f16 d, dmin; u8 scales[12]; u8 qs[128]}: 8 sub-blocks of 32 with 6-bit scales and mins,
/// x = d·sc·q − dmin·m; in each 64-element chunk c, qs[32c + l] holds element 64c + l (low) and 64c + 32 + l (high).
/// Unit u is quant word u: chunk u / 8, elements l.. and l + 32.. with l = 4·(u mod 8).</summary>
public struct Q4_KBlocks : IQuantizedFormat
{
    public readonly int BlockElements => 256;
    public readonly int QuantWords => 32;
    public readonly int ParamBytes => 16;
    public readonly int GgmlQuantOffset => 16;
    public readonly int GgmlParamOffset => 0;

    public readonly WeightOctet Octet(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int unit)
    {
        long p = block * 16;
        float d = PackedBytes.Half(parameters, p), dmin = PackedBytes.Half(parameters, p + 2);
        int chunk = unit >> 3, l = 4 * (unit & 7);
        float scaleA = d * Scale(parameters, p + 4, 2 * chunk), minA = dmin * Min(parameters, p + 4, 2 * chunk);
        float scaleB = d * Scale(parameters, p + 4, 2 * chunk + 1), minB = dmin * Min(parameters, p + 4, 2 * chunk + 1);
        uint w = quants[block * 32 + unit];
        return new WeightOctet
        {
            A0 = scaleA * (w & 0xF) - minA, A1 = scaleA * ((w >> 8) & 0xF) - minA,
            A2 = scaleA * ((w >> 16) & 0xF) - minA, A3 = scaleA * ((w >> 24) & 0xF) - minA,
            B0 = scaleB * ((w >> 4) & 0xF) - minB, B1 = scaleB * ((w >> 12) & 0xF) - minB,
            B2 = scaleB * ((w >> 20) & 0xF) - minB, B3 = scaleB * (w >> 28) - minB,
            FirstA = 64 * chunk + l, FirstB = 64 * chunk + 32 + l,
        };
    }

    public readonly float Element(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int index)
    {
        long p = block * 16;
        int chunk = index >> 6, high = (index >> 5) & 1, l = index & 31, sub = 2 * chunk + high;
        uint q = (quants[block * 32 + 8 * chunk + (l >> 2)] >> (8 * (l & 3) + 4 * high)) & 0xF;
        return PackedBytes.Half(parameters, p) * Scale(parameters, p + 4, sub) * q - PackedBytes.Half(parameters, p + 2) * Min(parameters, p + 4, sub);
    }

    /// <summary>ggml's get_scale_min_k4: sub-blocks 0-3 in the low 6 bits of bytes 0-3 (scales) and 4-7 (mins);
    /// 4-7 in the nibbles of bytes 8-11 with their top 2 bits in the spare bits of bytes 0-7.</summary>
    private static float Scale(ArrayView<uint> parameters, long scales, int j) => j < 4
        ? PackedBytes.Byte(parameters, scales + j) & 63
        : (PackedBytes.Byte(parameters, scales + j + 4) & 0xF) | ((PackedBytes.Byte(parameters, scales + j - 4) >> 6) << 4);

    private static float Min(ArrayView<uint> parameters, long scales, int j) => j < 4
        ? PackedBytes.Byte(parameters, scales + j + 4) & 63
        : (PackedBytes.Byte(parameters, scales + j + 4) >> 4) | ((PackedBytes.Byte(parameters, scales + j) >> 6) << 4);
}

/// <summary>block_q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}: 16 sub-blocks of 16, x = d·sc·(q − 32). In
/// each half h of 128 elements, quarter k (32 elements) takes the low (k &lt; 2) or high nibble of ql[64h + 32·(k mod 2) + l]
/// and bits 2k..2k+1 of qh[32h + l]. Quants are the ql words then the qh words; unit u reads ql word u (half u / 16)
/// and its qh word: quarters 0 and 2 (u mod 16 &lt; 8) or 1 and 3.</summary>
public struct Q6_KBlocks : IQuantizedFormat
{
    public readonly int BlockElements => 256;
    public readonly int QuantWords => 48;
    public readonly int ParamBytes => 18;
    public readonly int GgmlQuantOffset => 0;
    public readonly int GgmlParamOffset => 192;

    public readonly WeightOctet Octet(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int unit)
    {
        int half = unit >> 4, w = unit & 15, quarter = w >> 3, l = 4 * (w & 7);
        uint low = quants[block * 48 + unit], high = quants[block * 48 + 32 + 8 * half + (w & 7)];
        int shiftA = 2 * quarter, shiftB = shiftA + 4;
        int firstA = 128 * half + 32 * quarter + l, firstB = firstA + 64;
        long p = block * 18;
        float d = PackedBytes.Half(parameters, p + 16);
        float scaleA = d * (sbyte)PackedBytes.Byte(parameters, p + (firstA >> 4));
        float scaleB = d * (sbyte)PackedBytes.Byte(parameters, p + (firstB >> 4));
        return new WeightOctet
        {
            A0 = scaleA * Quant(low, high, 0, 0, shiftA), A1 = scaleA * Quant(low, high, 1, 0, shiftA),
            A2 = scaleA * Quant(low, high, 2, 0, shiftA), A3 = scaleA * Quant(low, high, 3, 0, shiftA),
            B0 = scaleB * Quant(low, high, 0, 4, shiftB), B1 = scaleB * Quant(low, high, 1, 4, shiftB),
            B2 = scaleB * Quant(low, high, 2, 4, shiftB), B3 = scaleB * Quant(low, high, 3, 4, shiftB),
            FirstA = firstA, FirstB = firstB,
        };
    }

    public readonly float Element(ArrayView<uint> quants, ArrayView<uint> parameters, long block, int index)
    {
        int half = index >> 7, quarter = (index >> 5) & 3, l = index & 31;
        int lowByte = 64 * half + 32 * (quarter & 1) + l;
        uint low = quants[block * 48 + (lowByte >> 2)], high = quants[block * 48 + 32 + 8 * half + (l >> 2)];
        long p = block * 18;
        return PackedBytes.Half(parameters, p + 16) * (sbyte)PackedBytes.Byte(parameters, p + (index >> 4))
            * Quant(low, high, l & 3, 4 * (quarter >> 1), 2 * quarter);
    }

    /// <summary>The signed 6-bit quant of byte <paramref name="lane"/>: nibble at <paramref name="nibble"/> of the low
    /// word, 2 bits at <paramref name="shift"/> of the high word, minus 32.</summary>
    private static int Quant(uint low, uint high, int lane, int nibble, int shift) =>
        (int)(((low >> (8 * lane + nibble)) & 0xF) | (((high >> (8 * lane + shift)) & 3) << 4)) - 32;
}
