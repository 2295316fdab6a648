using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu;

/// <summary>
/// F32 ↔ the compact KV types, 16 elements at a time. Encoding rounds to nearest even and saturates to the largest
/// finite value (infinities included); NaN stays NaN. FP8 is OCP E4M3 (bias 7, no infinities, NaN = S.1111.111) and
/// E5M2 (bias 15, the upper byte of an IEEE half).
/// </summary>
internal static unsafe class KvConversions
{
    private const uint E4M3NaN = 0x7F, E5M2NaN = 0x7E;
    private const float E4M3Max = 448f, E5M2Max = 57344f;

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (source.Length elements of <paramref name="type"/>).</summary>
    public static void Encode(KvCacheDType type, ReadOnlySpan<float> source, Span<byte> destination)
    {
        int bytes = type.ElementBytes();
        fixed (float* from = source)
        fixed (byte* to = destination)
        {
            int i = 0;
            for (; i + 16 <= source.Length; i += 16) Store16(type, Vector512.Load(from + i), to + i * bytes);
            if (i == source.Length) return;
            // The tail through a padded vector so every element takes the same path.
            float* padded = stackalloc float[16];
            byte* encoded = stackalloc byte[64];
            new ReadOnlySpan<float>(from + i, source.Length - i).CopyTo(new Span<float>(padded, 16));
            Store16(type, Vector512.Load(padded), encoded);
            new ReadOnlySpan<byte>(encoded, (source.Length - i) * bytes).CopyTo(new Span<byte>(to + i * bytes, (source.Length - i) * bytes));
        }
    }

    /// <summary>Decodes source.Length / ElementBytes elements of <paramref name="type"/> into <paramref name="destination"/>.</summary>
    public static void Decode(KvCacheDType type, ReadOnlySpan<byte> source, Span<float> destination)
    {
        fixed (byte* from = source)
            for (int i = 0; i < destination.Length; i++)
                destination[i] = type switch
                {
                    KvCacheDType.Float32 => F32Kv.Load1(from, i),
                    KvCacheDType.BFloat16 => Bf16Kv.Load1(from, i),
                    KvCacheDType.Fp8E4M3 => Fp8E4M3Kv.Load1(from, i),
                    _ => Fp8E5M2Kv.Load1(from, i),
                };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store16(KvCacheDType type, Vector512<float> x, byte* to)
    {
        switch (type)
        {
            case KvCacheDType.Float32: x.Store((float*)to); break;
            case KvCacheDType.BFloat16: NarrowToUInt16(EncodeBf16(x)).Store((ushort*)to); break;
            case KvCacheDType.Fp8E4M3: NarrowToByte(EncodeFp8(x, mantissaBits: 3, bias: 7, E4M3Max, E4M3NaN)).Store(to); break;
            default: NarrowToByte(EncodeFp8(x, mantissaBits: 2, bias: 15, E5M2Max, E5M2NaN)).Store(to); break;
        }
    }

    /// <summary>The upper 16 bits rounded to nearest even (as PyTorch); a NaN keeps a quiet NaN's payload bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> EncodeBf16(Vector512<float> x)
    {
        var bits = x.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) >> 16;
        var nan = ~Vector512.Equals(x, x).AsUInt32();
        return Vector512.ConditionalSelect(nan, (bits >> 16) | Vector512.Create(0x40u), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> EncodeFp8(Vector512<float> x, int mantissaBits, int bias, float max, uint nanCode)
    {
        var bits = x.AsUInt32();
        var sign = (bits >> 24) & Vector512.Create(0x80u);
        var magnitude = Vector512.Min(Vector512.Abs(x), Vector512.Create(max));   // saturate before rounding: max is representable
        // Normal range: round the float's mantissa to mantissaBits (nearest even; a carry bumps the exponent), rebias.
        int shift = 23 - mantissaBits;
        var m = magnitude.AsUInt32();
        var normal = ((m + Vector512.Create((1u << (shift - 1)) - 1) + ((m >> shift) & Vector512<uint>.One)) >> shift)
            - Vector512.Create((uint)(127 - bias) << mantissaBits);
        // Below the smallest normal: a multiple of the subnormal step, rounded to nearest even (the step count of the
        // smallest normal encodes it exactly, so rounding up into it is right too).
        var steps = Vector512.Round(magnitude * Vector512.Create(MathF.ScaleB(1f, bias - 1 + mantissaBits)));
        var subnormal = Vector512.ConvertToUInt32(steps);
        var code = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(MathF.ScaleB(1f, 1 - bias))).AsUInt32(), subnormal, normal);
        var nan = ~Vector512.Equals(x, x).AsUInt32();
        return Vector512.ConditionalSelect(nan, Vector512.Create(nanCode), code) | sign;
    }

    /// <summary>16 FP8 bytes as floats: the magnitude's bits moved into a float's exponent and mantissa and rebiased;
    /// subnormals as their step count times the step; E4M3's S.1111.111 is NaN, E5M2's all-ones exponent Inf or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> DecodeFp8(Vector128<byte> codes, int mantissaBits, int bias)
    {
        var v = Avx512F.IsSupported ? Avx512F.ConvertToVector512UInt32(codes) : WidenToUInt32(codes);
        var magnitude = v & Vector512.Create(0x7Fu);
        var normal = (magnitude << (23 - mantissaBits)) + Vector512.Create((uint)(127 - bias) << 23);
        var subnormal = (Vector512.ConvertToSingle(magnitude) * Vector512.Create(MathF.ScaleB(1f, 1 - bias - mantissaBits))).AsUInt32();
        var result = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(1u << mantissaBits)), subnormal, normal);
        result = mantissaBits == 3
            ? Vector512.ConditionalSelect(Vector512.Equals(magnitude, Vector512.Create(0x7Fu)), Vector512.Create(0x7FC00000u), result)
            : Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7Cu)),
                Vector512.Create(0x7F800000u) | ((magnitude & Vector512.Create(3u)) << 21), result);
        return (result | ((v & Vector512.Create(0x80u)) << 24)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> NarrowToUInt16(Vector512<uint> v) =>
        Avx512F.IsSupported ? Avx512F.ConvertToVector256UInt16(v) : Vector512.Narrow(v, v).GetLower();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> NarrowToByte(Vector512<uint> v)
    {
        if (Avx512F.IsSupported) return Avx512F.ConvertToVector128Byte(v);
        var halfWords = Vector512.Narrow(v, v);
        return Vector512.Narrow(halfWords, halfWords).GetLower().GetLower();
    }

    private static Vector512<uint> WidenToUInt32(Vector128<byte> codes)
    {
        var halfWords = Vector512.WidenLower(codes.ToVector256().ToVector512());
        return Vector512.WidenLower(halfWords);
    }
}
