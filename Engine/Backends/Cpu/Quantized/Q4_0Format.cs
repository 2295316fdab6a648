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
