using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Q8_0 panel block (272 bytes = 8 × ggml's 34): 8 groups of q + 128, then 8 f16 scales.</summary>
internal unsafe struct Q8_0Format : IQuantFormat
{
    public static int BlockElements => 32;
    public static int SubElements => 32;
    public static int PanelBlockBytes => 272;
    public static int Offset => 128;
    public static bool HasSubScales => false;
    public static bool HasMins => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Group(byte* block, int sub, int group) => Vector256.Load(block + 32 * group);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SubDot<TD>(Vector256<int> acc, byte* block, int sub, sbyte* x) where TD : struct, IInt8Dot
    {
        acc = GroupDot.One<TD>(acc, Vector256.Load(block), x);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 32), x + 4);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 64), x + 8);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 96), x + 12);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 128), x + 16);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 160), x + 20);
        acc = GroupDot.One<TD>(acc, Vector256.Load(block + 192), x + 24);
        return GroupDot.One<TD>(acc, Vector256.Load(block + 224), x + 28);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* block, int sub, sbyte* x, long stride) where TD : struct, IInt8Dot
    {
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 0), x + 0, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 32), x + 4, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 64), x + 8, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 96), x + 12, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 128), x + 16, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 160), x + 20, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 192), x + 24, stride);
        GroupDot.Four<TD>(ref a0, ref a1, ref a2, ref a3, Vector256.Load(block + 224), x + 28, stride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scale(byte* block) => VectorLoads.Halves((ushort*)(block + 256));

    public static Vector256<float> MinScale(byte* block) => default;
    public static Vector256<float> SubScale(byte* block, int sub) => default;
    public static Vector256<float> SubMin(byte* block, int sub) => default;

    public static void Encode(in PanelSource source, byte* block)
    {
        for (int g = 0; g < 8; g++)
            for (int r = 0; r < 8; r++)
                for (int k = 0; k < 4; k++) block[32 * g + 4 * r + k] = source.Quant(r, 4 * g + k);
        for (int r = 0; r < 8; r++) ((ushort*)(block + 256))[r] = source.Scales[r];
    }
}
