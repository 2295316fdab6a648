using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Q4_0 panel block (144 bytes = 8 × ggml's 18): 4 × 32 bytes of nibbles (group g low, group g + 4 high:
/// ggml's own pairing of elements j and j + 16), then 8 f16 scales.</summary>
internal unsafe struct Q4_0Format : IQuantFormat
{
    public static int BlockElements => 32;
    public static int SubElements => 32;
    public static int PanelBlockBytes => 144;
    public static int Offset => 8;
    public static bool HasSubScales => false;
    public static bool HasMins => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Group(byte* block, int sub, int group) => NibbleGroup(block, group);

    /// <summary>Group g of a 4 × 32-byte nibble run: low nibbles of vector g, or high nibbles of vector g − 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> NibbleGroup(byte* nibbles, int group)
    {
        var v = Vector256.Load(nibbles + 32 * (group & 3));
        return group < 4 ? v & VectorLoads.LowNibbles : VectorLoads.HighNibbles(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SubDot<TD>(Vector256<int> acc, byte* block, int sub, sbyte* x) where TD : struct, IInt8Dot =>
        NibbleDot<TD>(acc, block, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* block, int sub, sbyte* x, long stride) where TD : struct, IInt8Dot =>
        NibbleDot4<TD>(ref a0, ref a1, ref a2, ref a3, block, x, stride);

    /// <summary>The 8 groups of a 128-byte nibble run: vector p's low nibbles are group p, its high nibbles group p + 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> NibbleDot<TD>(Vector256<int> acc, byte* nibbles, sbyte* x) where TD : struct, IInt8Dot
    {
        // Unrolled by hand: the JIT keeps constant-count loops as loops.
        var v0 = Vector256.Load(nibbles);
        var v1 = Vector256.Load(nibbles + 32);
        var v2 = Vector256.Load(nibbles + 64);
        var v3 = Vector256.Load(nibbles + 96);
        acc = GroupDot.One<TD>(acc, v0 & VectorLoads.LowNibbles, x);
        acc = GroupDot.One<TD>(acc, v1 & VectorLoads.LowNibbles, x + 4);
        acc = GroupDot.One<TD>(acc, v2 & VectorLoads.LowNibbles, x + 8);
        acc = GroupDot.One<TD>(acc, v3 & VectorLoads.LowNibbles, x + 12);
        acc = GroupDot.One<TD>(acc, VectorLoads.HighNibbles(v0), x + 16);
        acc = GroupDot.One<TD>(acc, VectorLoads.HighNibbles(v1), x + 20);
        acc = GroupDot.One<TD>(acc, VectorLoads.HighNibbles(v2), x + 24);
        return GroupDot.One<TD>(acc, VectorLoads.HighNibbles(v3), x + 28);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NibbleDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* nibbles, sbyte* x, long stride) where TD : struct, IInt8Dot
    {
        var v0 = Vector256.Load(nibbles);
        var v1 = Vector256.Load(nibbles + 32);
        var v2 = Vector256.Load(nibbles + 64);
        var v3 = Vector256.Load(nibbles + 96);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, v0 & VectorLoads.LowNibbles, x, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, v1 & VectorLoads.LowNibbles, x + 4, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, v2 & VectorLoads.LowNibbles, x + 8, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, v3 & VectorLoads.LowNibbles, x + 12, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, VectorLoads.HighNibbles(v0), x + 16, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, VectorLoads.HighNibbles(v1), x + 20, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, VectorLoads.HighNibbles(v2), x + 24, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, VectorLoads.HighNibbles(v3), x + 28, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scale(byte* block) => VectorLoads.Halves((ushort*)(block + 128));

    public static Vector256<float> MinScale(byte* block) => default;
    public static Vector256<float> SubScale(byte* block, int sub) => default;
    public static Vector256<float> SubMin(byte* block, int sub) => default;

    public static void Encode(in PanelSource source, byte* block)
    {
        EncodeNibbles(source, 0, block);
        for (int r = 0; r < 8; r++) ((ushort*)(block + 128))[r] = source.Scales[r];
    }

    /// <summary>32 weights from <paramref name="first"/> of each row as 128 bytes of nibbles.</summary>
    public static void EncodeNibbles(in PanelSource source, int first, byte* nibbles)
    {
        for (int p = 0; p < 4; p++)
            for (int r = 0; r < 8; r++)
                for (int k = 0; k < 4; k++)
                    nibbles[32 * p + 4 * r + k] = (byte)(source.Quant(r, first + 4 * p + k) | (source.Quant(r, first + 16 + 4 * p + k) << 4));
    }
}
