using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Q6_K panel block (1680 bytes = 8 × ggml's 210): per sub-block of 16 (4 groups), the low 4 bits of
/// groups 0|1 and 2|3 as two nibble vectors and their top 2 bits as one vector (group g at bits 2g); then
/// sub-scales [sub, row] (signed bytes) and 8 f16 d.</summary>
internal unsafe struct Q6_KFormat : IQuantFormat
{
    private static Vector256<byte> HighBits   // a constant, not a static field: see VectorLoads.LowNibbles
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create((byte)0x30);
    }

    public static int BlockElements => 256;
    public static int SubElements => 16;
    public static int PanelBlockBytes => 1680;
    public static int Offset => 32;
    public static bool HasSubScales => true;
    public static bool HasMins => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Group(byte* block, int sub, int group)
    {
        byte* at = block + 96 * sub;
        var nibbles = Vector256.Load(at + 32 * (group >> 1));
        var low = (group & 1) == 0 ? nibbles & VectorLoads.LowNibbles : VectorLoads.HighNibbles(nibbles);
        var top = Vector256.Load(at + 64).AsUInt16();
        var high = group switch
        {
            0 => (top << 4).AsByte(),
            1 => (top << 2).AsByte(),
            2 => top.AsByte(),
            _ => (top >> 2).AsByte(),
        };
        return low | (high & HighBits);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SubDot<TD>(Vector256<int> acc, byte* block, int sub, sbyte* x) where TD : struct, IInt8Dot
    {
        var (g0, g1, g2, g3) = Groups(block + 96 * sub);
        acc = GroupDot.One<TD>(acc, g0, x);
        acc = GroupDot.One<TD>(acc, g1, x + 4);
        acc = GroupDot.One<TD>(acc, g2, x + 8);
        return GroupDot.One<TD>(acc, g3, x + 12);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* block, int sub, sbyte* x, long stride) where TD : struct, IInt8Dot
    {
        var (g0, g1, g2, g3) = Groups(block + 96 * sub);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, g0, x, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, g1, x + 4, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, g2, x + 8, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, g3, x + 12, stride);
    }

    /// <summary>The 4 groups of a sub-block, each loaded part decoded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<byte>, Vector256<byte>, Vector256<byte>, Vector256<byte>) Groups(byte* at)
    {
        var a = Vector256.Load(at);
        var b = Vector256.Load(at + 32);
        var top = Vector256.Load(at + 64).AsUInt16();
        return ((a & VectorLoads.LowNibbles) | ((top << 4).AsByte() & HighBits),
            VectorLoads.HighNibbles(a) | ((top << 2).AsByte() & HighBits),
            (b & VectorLoads.LowNibbles) | (top.AsByte() & HighBits),
            VectorLoads.HighNibbles(b) | ((top >> 2).AsByte() & HighBits));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scale(byte* block) => VectorLoads.Halves((ushort*)(block + 1664));

    public static Vector256<float> MinScale(byte* block) => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SubScale(byte* block, int sub) => VectorLoads.SBytes((sbyte*)(block + 1536 + 8 * sub));

    public static Vector256<float> SubMin(byte* block, int sub) => default;

    public static void Encode(in PanelSource source, byte* block)
    {
        for (int s = 0; s < 16; s++)
        {
            byte* at = block + 96 * s;
            for (int r = 0; r < 8; r++)
                for (int k = 0; k < 4; k++)
                {
                    int q0 = source.Quant(r, 16 * s + k), q1 = source.Quant(r, 16 * s + 4 + k);
                    int q2 = source.Quant(r, 16 * s + 8 + k), q3 = source.Quant(r, 16 * s + 12 + k);
                    at[4 * r + k] = (byte)((q0 & 0xF) | ((q1 & 0xF) << 4));
                    at[32 + 4 * r + k] = (byte)((q2 & 0xF) | ((q3 & 0xF) << 4));
                    at[64 + 4 * r + k] = (byte)((q0 >> 4) | ((q1 >> 4) << 2) | ((q2 >> 4) << 4) | ((q3 >> 4) << 6));
                }
            for (int r = 0; r < 8; r++) ((sbyte*)block)[1536 + 8 * s + r] = source.SubScale(r, s);
        }
        for (int r = 0; r < 8; r++) ((ushort*)(block + 1664))[r] = source.Scales[r];
    }
}
