using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>One decoded group multiplied into 1 or 4 tokens' row sums (x points at the group's 4 activations).</summary>
internal static unsafe class GroupDot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> One<TD>(Vector256<int> acc, Vector256<byte> w, sbyte* x) where TD : struct, IInt8Dot =>
        TD.Dot(acc, w, *(int*)x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Four<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        Vector256<byte> w, sbyte* x, long stride) where TD : struct, IInt8Dot
    {
        a0 = TD.Dot(a0, w, *(int*)x);
        a1 = TD.Dot(a1, w, *(int*)(x + stride));
        a2 = TD.Dot(a2, w, *(int*)(x + 2 * stride));
        a3 = TD.Dot(a3, w, *(int*)(x + 3 * stride));
    }
}
