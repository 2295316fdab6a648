using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu;

/// <summary>
/// How a weight row is read as floats. The matmul kernels are generic over it so the JIT emits one
/// specialised loop per stored dtype (BF16 stays BF16 in memory: half the bytes to stream).
/// </summary>
internal unsafe interface IWeightElement
{
    static abstract int Size { get; }

    /// <summary>Elements k..k+15 of the row as floats.</summary>
    static abstract Vector512<float> Load16(byte* row, int k);
}

internal unsafe struct F32Weight : IWeightElement
{
    public static int Size => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int k) => Vector512.Load((float*)row + k);
}

internal unsafe struct Bf16Weight : IWeightElement
{
    public static int Size => 2;

    /// <summary>bf16 → f32 is a zero-extend and a 16-bit shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load16(byte* row, int k)
    {
        var halfWords = Vector256.Load((ushort*)row + k);
        var words = Avx512F.IsSupported
            ? Avx512F.ConvertToVector512UInt32(halfWords)
            : Vector512.WidenLower(halfWords.ToVector512());
        return Vector512.ShiftLeft(words, 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load1(byte* row, int k) => BitConverter.Int32BitsToSingle(((ushort*)row)[k] << 16);
}
