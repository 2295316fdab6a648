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
