using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu;

/// <summary>
/// How the KV cache's elements are read as floats (<see cref="KvCacheDType"/>). Attention is generic over it so the
/// JIT emits one specialised loop per stored type.
/// </summary>
internal unsafe interface IKvElement
{
    static abstract int Size { get; }

    /// <summary>Elements i..i+15 as floats.</summary>
    static abstract Vector512<float> Load16(byte* data, int i);

    static abstract float Load1(byte* data, int i);
}

internal unsafe struct F32Kv : IKvElement
{
    public static int Size => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* data, int i) => Vector512.Load((float*)data + i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* data, int i) => ((float*)data)[i];
}

internal unsafe struct Bf16Kv : IKvElement
{
    public static int Size => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* data, int i) => Bf16Weight.Load16(data, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* data, int i) => Bf16Weight.Load1(data, i);
}

internal unsafe struct Fp8E4M3Kv : IKvElement
{
    /// <summary>All 256 codes decoded, for single elements.</summary>
    private static readonly float[] Table = Fp8Table(mantissaBits: 3, bias: 7);

    public static int Size => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* data, int i) => Fp8Lookup.IsSupported
        ? Fp8Lookup.E4M3.Decode(Vector128.Load(data + i))
        : KvConversions.DecodeFp8(Vector128.Load(data + i), mantissaBits: 3, bias: 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* data, int i) => Table[data[i]];

    internal static float[] Fp8Table(int mantissaBits, int bias) => Enumerable.Range(0, 256)
        .Select(code => KvConversions.DecodeFp8(Vector128.Create((byte)code), mantissaBits, bias).GetElement(0)).ToArray();
}

internal unsafe struct Fp8E5M2Kv : IKvElement
{
    private static readonly float[] Table = Fp8E4M3Kv.Fp8Table(mantissaBits: 2, bias: 15);

    public static int Size => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* data, int i) => Fp8Lookup.IsSupported
        ? Fp8Lookup.E5M2.Decode(Vector128.Load(data + i))
        : KvConversions.DecodeFp8(Vector128.Load(data + i), mantissaBits: 2, bias: 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* data, int i) => Table[data[i]];
}
