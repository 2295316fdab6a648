namespace Engine.Loading.Quantization;

/// <summary>
/// ggml's block layouts (ggml-common.h), read and written exactly:
/// block_q8_0 {f16 d; i8 qs[32]} (x = d·q); block_q4_0 {f16 d; u8 qs[16]} (element j in the low nibble of qs[j],
/// j + 16 in its high nibble, x = d·(q − 8)); block_q4_K {f16 d, dmin; u8 scales[12]; u8 qs[128]} (8 sub-blocks of
/// 32 with 6-bit scales and mins, x = d·sc·q − dmin·m); block_q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}
/// (16 sub-blocks of 16, x = d·sc·(q − 32)). Each decoder yields the unsigned quant of every element and the
/// per-sub-block parameters, which is also what the CPU backend repacks.
/// </summary>
public static unsafe class GgmlBlocks
{
    /// <summary>One block decoded: unsigned quants (value = scale·sub scale·(q − offset) − min·sub min).</summary>
    public ref struct Decoded(Span<byte> quants, Span<sbyte> subScales, Span<byte> subMins)
    {
        public Span<byte> Quants = quants;
        public Span<sbyte> SubScales = subScales;   // Q6_K: signed; Q4_K: 0..63
        public Span<byte> SubMins = subMins;        // Q4_K only
        public ushort Scale;                        // f16 bits of d
        public ushort Min;                          // f16 bits of dmin (Q4_K)
    }

    public static int Offset(DType type) => type switch { DType.Q8_0 => 128, DType.Q4_0 => 8, DType.Q6_K => 32, _ => 0 };

    public static int SubBlocks(DType type) => type switch { DType.Q4_K => 8, DType.Q6_K => 16, _ => 1 };

    public static float Half(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    public static ushort ToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static void Decode(DType type, byte* block, ref Decoded d)
    {
        switch (type)
        {
            case DType.Q8_0:
                d.Scale = *(ushort*)block;
                for (int j = 0; j < 32; j++) d.Quants[j] = (byte)(((sbyte*)block)[2 + j] + 128);
                break;
            case DType.Q4_0:
                d.Scale = *(ushort*)block;
                for (int j = 0; j < 16; j++)
                {
                    d.Quants[j] = (byte)(block[2 + j] & 0xF);
                    d.Quants[j + 16] = (byte)(block[2 + j] >> 4);
                }
                break;
            case DType.Q4_K:
                d.Scale = *(ushort*)block;
                d.Min = *(ushort*)(block + 2);
                byte* scales = block + 4;
                for (int s = 0; s < 8; s++)
                {
                    (byte sc, byte m) = s < 4
                        ? ((byte)(scales[s] & 63), (byte)(scales[s + 4] & 63))
                        : ((byte)((scales[s + 4] & 0xF) | ((scales[s - 4] >> 6) << 4)), (byte)((scales[s + 4] >> 4) | ((scales[s] >> 6) << 4)));
                    d.SubScales[s] = (sbyte)sc;
                    d.SubMins[s] = m;
                }
                byte* qs = block + 16;
                for (int chunk = 0; chunk < 4; chunk++)
                    for (int l = 0; l < 32; l++)
                    {
                        d.Quants[64 * chunk + l] = (byte)(qs[32 * chunk + l] & 0xF);
                        d.Quants[64 * chunk + 32 + l] = (byte)(qs[32 * chunk + l] >> 4);
                    }
                break;
            case DType.Q6_K:
                byte* ql = block, qh = block + 128;
                sbyte* sc6 = (sbyte*)(block + 192);
                d.Scale = *(ushort*)(block + 208);
                for (int s = 0; s < 16; s++) d.SubScales[s] = sc6[s];
                for (int half = 0; half < 2; half++)
                    for (int l = 0; l < 32; l++)
                    {
                        int y = 128 * half, lo = 64 * half, hi = 32 * half;
                        d.Quants[y + l] = (byte)((ql[lo + l] & 0xF) | (((qh[hi + l] >> 0) & 3) << 4));
                        d.Quants[y + l + 32] = (byte)((ql[lo + l + 32] & 0xF) | (((qh[hi + l] >> 2) & 3) << 4));
                        d.Quants[y + l + 64] = (byte)((ql[lo + l] >> 4) | (((qh[hi + l] >> 4) & 3) << 4));
                        d.Quants[y + l + 96] = (byte)((ql[lo + l + 32] >> 4) | (((qh[hi + l] >> 6) & 3) << 4));
                    }
                break;
            default:
                throw new NotSupportedException($"{type} is not a block-quantized type.");
        }
    }

    /// <summary>Dequantizes a whole row of <paramref name="cols"/> weights (ggml's dequantize_row_*).</summary>
    public static void DequantizeRow(DType type, byte* row, Span<float> destination)
    {
        int n = type.BlockElements(), subs = SubBlocks(type), sub = n / subs, offset = Offset(type);
        Span<byte> quants = stackalloc byte[256];
        Span<sbyte> subScales = stackalloc sbyte[16];
        Span<byte> subMins = stackalloc byte[16];
        var d = new Decoded(quants, subScales, subMins);
        for (int b = 0; b < destination.Length / n; b++)
        {
            Decode(type, row + (long)b * type.BlockBytes(), ref d);
            float scale = Half(d.Scale), min = Half(d.Min);
            for (int i = 0; i < n; i++)
            {
                int s = i / sub;
                float subScale = subs == 1 ? 1 : subScales[s];
                float subMin = type == DType.Q4_K ? min * subMins[s] : 0;
                destination[b * n + i] = scale * subScale * (quants[i] - offset) - subMin;
            }
        }
    }

    /// <summary>Quantizes a row into ggml blocks (what --quantization does at load). Q8_0 and Q4_0 follow ggml's
    /// reference quantizers; Q4_K uses each sub-block's min/max range (simpler than llama-quantize's search, so a
    /// little less accurate than a llama.cpp-made Q4_K file).</summary>
    public static void QuantizeRow(DType type, ReadOnlySpan<float> x, byte* row)
    {
        int n = type.BlockElements();
        if (x.Length % n != 0)
            throw new NotSupportedException($"A row of {x.Length} weights cannot be quantized to {type}, whose blocks hold {n}.");
        for (int b = 0; b < x.Length / n; b++)
        {
            var block = x.Slice(b * n, n);
            byte* dst = row + (long)b * type.BlockBytes();
            switch (type)
            {
                case DType.Q8_0: QuantizeQ8_0(block, dst); break;
                case DType.Q4_0: QuantizeQ4_0(block, dst); break;
                case DType.Q4_K: QuantizeQ4_K(block, dst); break;
                default: throw new NotSupportedException($"Quantizing to {type} is not supported (q8_0, q4_0, q4_k are).");
            }
        }
    }

    private static void QuantizeQ8_0(ReadOnlySpan<float> x, byte* dst)
    {
        float amax = 0;
        foreach (float v in x) amax = MathF.Max(amax, MathF.Abs(v));
        float d = amax / 127, id = d != 0 ? 1 / d : 0;
        *(ushort*)dst = ToHalf(d);
        for (int j = 0; j < 32; j++) ((sbyte*)dst)[2 + j] = (sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
    }

    private static void QuantizeQ4_0(ReadOnlySpan<float> x, byte* dst)
    {
        float amax = 0, max = 0;
        foreach (float v in x)
            if (MathF.Abs(v) > amax) { amax = MathF.Abs(v); max = v; }
        float d = max / -8, id = d != 0 ? 1 / d : 0;
        *(ushort*)dst = ToHalf(d);
        for (int j = 0; j < 16; j++)
        {
            int lo = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            int hi = Math.Min(15, (int)(sbyte)(x[j + 16] * id + 8.5f));
            dst[2 + j] = (byte)(lo | (hi << 4));
        }
    }

    private static void QuantizeQ4_K(ReadOnlySpan<float> x, byte* dst)
    {
        Span<float> scales = stackalloc float[8], mins = stackalloc float[8];
        for (int s = 0; s < 8; s++)
        {
            var sub = x.Slice(32 * s, 32);
            float lo = 0, hi = float.MinValue;   // ggml's mins are ≤ 0 (stored negated)
            foreach (float v in sub) { lo = MathF.Min(lo, v); hi = MathF.Max(hi, v); }
            scales[s] = (hi - lo) / 15;
            mins[s] = -lo;
        }
        float maxScale = 0, maxMin = 0;
        for (int s = 0; s < 8; s++) { maxScale = MathF.Max(maxScale, scales[s]); maxMin = MathF.Max(maxMin, mins[s]); }
        ushort dBits = ToHalf(maxScale / 63), dminBits = ToHalf(maxMin / 63);
        float d = Half(dBits), dmin = Half(dminBits);
        Span<byte> sc = stackalloc byte[8], m = stackalloc byte[8];
        for (int s = 0; s < 8; s++)
        {
            sc[s] = (byte)(d > 0 ? Math.Clamp((int)MathF.Round(scales[s] / d), 0, 63) : 0);
            m[s] = (byte)(dmin > 0 ? Math.Clamp((int)MathF.Round(mins[s] / dmin), 0, 63) : 0);
        }
        *(ushort*)dst = dBits;
        *(ushort*)(dst + 2) = dminBits;
        byte* packed = dst + 4;
        for (int j = 0; j < 4; j++)
        {
            packed[j] = (byte)((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            packed[j + 4] = (byte)((m[j] & 63) | ((m[j + 4] >> 4) << 6));
            packed[j + 8] = (byte)((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }
        byte* qs = dst + 16;
        for (int chunk = 0; chunk < 4; chunk++)
            for (int l = 0; l < 32; l++)
            {
                int low = Quant4(x[64 * chunk + l], d * sc[2 * chunk], dmin * m[2 * chunk]);
                int high = Quant4(x[64 * chunk + 32 + l], d * sc[2 * chunk + 1], dmin * m[2 * chunk + 1]);
                qs[32 * chunk + l] = (byte)(low | (high << 4));
            }
    }

    private static int Quant4(float value, float step, float min) =>
        step > 0 ? Math.Clamp((int)MathF.Round((value + min) / step), 0, 15) : 0;
}
