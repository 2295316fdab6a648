using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// How a weight matrix is stored on the device. Every format packs its elements into 64-bit words (2 F32 or
/// 4 BF16/F16 per word), so a kernel reads a whole row as one stream of wide loads and the three formats share one
/// kernel body: kernels are generic over the format, and ILGPU specialises each instantiation (the per-word
/// count becomes a constant).
/// </summary>
public interface IWeightFormat
{
    /// <summary>Elements per 64-bit word.</summary>
    int PerWord { get; }

    /// <summary>Element <paramref name="index"/> (0 ≤ index &lt; PerWord) of <paramref name="word"/> as a float.</summary>
    float Element(ulong word, int index);

    /// <summary>The 16-bit encoding of <paramref name="value"/> (BF16/F16: the activations fed to a 16-bit GEMM).</summary>
    ushort Encode(float value);
}

public struct F32Format : IWeightFormat
{
    public readonly int PerWord => 2;

    public readonly float Element(ulong word, int index) => Interop.IntAsFloat((uint)(word >> (32 * index)));

    public readonly ushort Encode(float value) => 0;
}

public struct Bf16Format : IWeightFormat
{
    public readonly int PerWord => 4;

    /// <summary>bf16 is the upper half of an f32.</summary>
    public readonly float Element(ulong word, int index) => Interop.IntAsFloat(((uint)(word >> (16 * index)) & 0xFFFFu) << 16);

    /// <summary>Round to nearest even (as PyTorch and the host loader do).</summary>
    public readonly ushort Encode(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + rounding) >> 16);
    }
}

public struct F16Format : IWeightFormat
{
    public readonly int PerWord => 4;

    public readonly float Element(ulong word, int index) => Interop.IntAsFloat((ushort)(word >> (16 * index)));

    public readonly ushort Encode(float value) => Interop.FloatAsInt((ILGPU.Half)value);
}

public static class WeightLoad
{
    /// <summary>Element <paramref name="index"/> of a weight stored as words of <typeparamref name="TFormat"/>.</summary>
    public static float At<TFormat>(ArrayView<ulong> words, long index) where TFormat : struct, IWeightFormat
    {
        int per = default(TFormat).PerWord;
        return default(TFormat).Element(words[index / per], (int)(index % per));
    }
}
