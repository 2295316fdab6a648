using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>acc[r] += Σ_k w[4r + k] · x[k]: unsigned weight bytes times 4 signed activation bytes (packed in an int),
/// one int32 sum per row. Both implementations give the same exact integers.</summary>
internal interface IInt8Dot
{
    static abstract Vector256<int> Dot(Vector256<int> acc, Vector256<byte> w, int x4);
}

/// <summary>VPDPBUSD (AVX-VNNI): the whole group in one instruction. .NET 10 exposes VNNI for 128/256-bit
/// vectors only, so the kernels work on 8 rows at a time.</summary>
internal struct VnniDot : IInt8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> w, int x4) =>
        AvxVnni.MultiplyWideningAndAdd(acc, w, Vector256.Create(x4).AsSByte());
}

/// <summary>Plain Vector256 code for CPUs without VNNI (and for tests): each weight byte is shifted out of its
/// row's int32 and multiplied by its activation.</summary>
internal struct PortableDot : IInt8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Dot(Vector256<int> acc, Vector256<byte> w, int x4)
    {
        var words = w.AsInt32();
        var mask = Vector256.Create(0xFF);
        acc += (words & mask) * Vector256.Create((int)(sbyte)x4);
        acc += ((words >>> 8) & mask) * Vector256.Create((int)(sbyte)(x4 >> 8));
        acc += ((words >>> 16) & mask) * Vector256.Create((int)(sbyte)(x4 >> 16));
        return acc + (words >>> 24) * Vector256.Create(x4 >> 24);
    }
}
