using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Widening loads of 8 per-row values into floats (AVX2 where present, portable vector code otherwise).</summary>
internal static unsafe class VectorLoads
{
    // Constants, not static readonly fields: the kernels are compiled fully optimised at their first call
    // (AggressiveOptimization), and a static field of a class not yet initialised then is read from memory through
    // its class's statics on every use, inside the hot loop (Q4_0, whose kernel ran first, was 1.5x slower than Q4_K).
    public static Vector256<byte> LowNibbles
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create((byte)0x0F);
    }

    private const float HalfExponentBias = 5.192296858534828e33f;   // 2^112

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Bytes(byte* p)
    {
        if (Avx2.IsSupported) return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p));
        var words = Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)p).AsByte());
        return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words)).AsInt32());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SBytes(sbyte* p)
    {
        if (Avx2.IsSupported) return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(p));
        var words = Vector128.WidenLower(Vector128.CreateScalar(*(ulong*)p).AsSByte());
        return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(words), Vector128.WidenUpper(words)));
    }

    /// <summary>8 f16 values as floats: the half's exponent and mantissa moved into a float's bits, then scaled by
    /// 2^112 (exact, subnormals included; scales are never inf or NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Halves(ushort* p)
    {
        Vector256<uint> bits = Avx2.IsSupported
            ? Avx2.ConvertToVector256Int32(p).AsUInt32()
            : Vector256.Create(Vector128.WidenLower(Vector128.Load(p)), Vector128.WidenUpper(Vector128.Load(p)));
        var magnitude = ((bits & Vector256.Create(0x7FFFu)) << 13).AsSingle() * Vector256.Create(HalfExponentBias);
        return (magnitude.AsUInt32() | ((bits & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    /// <summary>The high nibble of each byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> HighNibbles(Vector256<byte> v) => (v.AsUInt16() >> 4).AsByte() & LowNibbles;
}
