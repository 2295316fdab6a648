using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Q4_K panel block (1184 bytes = 8 × 148; ggml's 144 plus its 6-bit scales unpacked to bytes): per
/// sub-block of 32, 128 bytes of nibbles as in Q4_0; then sub-scales [sub, row] and sub-mins [sub, row] as bytes,
/// 8 f16 d and 8 f16 dmin.</summary>
internal unsafe struct Q4_KFormat : IQuantFormat
{
    public static int BlockElements => 256;
    public static int SubElements => 32;
    public static int PanelBlockBytes => 1184;
    public static int Offset => 0;
    public static bool HasSubScales => true;
    public static bool HasMins => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Group(byte* block, int sub, int group) => Q4_0Format.NibbleGroup(block + 128 * sub, group);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> SubDot<TD>(Vector256<int> acc, byte* block, int sub, sbyte* x) where TD : struct, IInt8Dot =>
        Q4_0Format.NibbleDot<TD>(acc, block + 128 * sub, x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubDot4<TD>(ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3,
        byte* block, int sub, sbyte* x, long stride) where TD : struct, IInt8Dot =>
        Q4_0Format.NibbleDot4<TD>(ref a0, ref a1, ref a2, ref a3, block + 128 * sub, x, stride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Scale(byte* block) => VectorLoads.Halves((ushort*)(block + 1152));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinScale(byte* block) => VectorLoads.Halves((ushort*)(block + 1168));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SubScale(byte* block, int sub) => VectorLoads.Bytes(block + 1024 + 8 * sub);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SubMin(byte* block, int sub) => VectorLoads.Bytes(block + 1088 + 8 * sub);

    public static void Encode(in PanelSource source, byte* block)
    {
        for (int s = 0; s < 8; s++)
        {
            Q4_0Format.EncodeNibbles(source, 32 * s, block + 128 * s);
            for (int r = 0; r < 8; r++)
            {
                block[1024 + 8 * s + r] = (byte)source.SubScale(r, s);
                block[1088 + 8 * s + r] = source.SubMin(r, s);
            }
        }
        for (int r = 0; r < 8; r++)
        {
            ((ushort*)(block + 1152))[r] = source.Scales[r];
            ((ushort*)(block + 1168))[r] = source.Mins[r];
        }
    }
}
