using ILGPU;

namespace Engine.Backends.Ilgpu.Kernels;

/// <summary>
/// How the KV cache stores its elements on the device (--kv-cache-dtype): packed into 32-bit words, 1 F32, 2 BF16 or
/// 4 FP8 per word, each cache row padded to whole words so a word never spans two slots and WriteKv writes whole
/// words. The kernels are generic over the format (ILGPU specialises each); the same code decodes downloads on the host.
/// Encoding rounds to nearest even and saturates to the largest finite value; NaN stays NaN (as the CPU backend).
/// </summary>
public interface IKvFormat
{
    /// <summary>Elements per 32-bit word.</summary>
    int PerWord { get; }

    /// <summary>Element <paramref name="index"/> (0 ≤ index &lt; PerWord) of <paramref name="word"/> as a float.</summary>
    float Decode(uint word, int index);

    /// <summary>The element's code, in the low 32 / PerWord bits.</summary>
    uint Encode(float value);
}

public struct F32KvFormat : IKvFormat
{
    public readonly int PerWord => 1;

    public readonly float Decode(uint word, int index) => Interop.IntAsFloat(word);

    public readonly uint Encode(float value) => Interop.FloatAsInt(value);
}

public struct Bf16KvFormat : IKvFormat
{
    public readonly int PerWord => 2;

    public readonly float Decode(uint word, int index) => Interop.IntAsFloat(((word >> (16 * index)) & 0xFFFFu) << 16);

    public readonly uint Encode(float value)
    {
        uint bits = Interop.FloatAsInt(value);
        if (float.IsNaN(value)) return (bits >> 16) | 0x40u;
        return (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
    }
}

public struct Fp8E4M3KvFormat : IKvFormat
{
    public readonly int PerWord => 4;

    public readonly float Decode(uint word, int index) => Fp8.Decode((word >> (8 * index)) & 0xFFu, 3, 7, e4m3: true);

    public readonly uint Encode(float value) => Fp8.Encode(value, 3, 7, 448f, 0x7Fu);
}

public struct Fp8E5M2KvFormat : IKvFormat
{
    public readonly int PerWord => 4;

    public readonly float Decode(uint word, int index) => Fp8.Decode((word >> (8 * index)) & 0xFFu, 2, 15, e4m3: false);

    public readonly uint Encode(float value) => Fp8.Encode(value, 2, 15, 57344f, 0x7Eu);
}

/// <summary>OCP FP8 one element at a time (E4M3: no infinities, S.1111.111 is NaN; E5M2: the upper byte of an IEEE half).</summary>
public static class Fp8
{
    public static float Decode(uint code, int mantissaBits, int bias, bool e4m3)
    {
        uint magnitude = code & 0x7Fu, sign = (code & 0x80u) << 24;
        uint bits;
        if (e4m3 && magnitude == 0x7Fu) bits = 0x7FC00000u;
        else if (!e4m3 && magnitude >= 0x7Cu) bits = 0x7F800000u | ((magnitude & 3u) << 21);
        else if (magnitude < (1u << mantissaBits)) bits = Interop.FloatAsInt(magnitude * Scale(1 - bias - mantissaBits));
        else bits = (magnitude << (23 - mantissaBits)) + ((uint)(127 - bias) << 23);
        return Interop.IntAsFloat(bits | sign);
    }

    public static uint Encode(float value, int mantissaBits, int bias, float max, uint nanCode)
    {
        uint bits = Interop.FloatAsInt(value);
        uint sign = (bits >> 24) & 0x80u;
        if (float.IsNaN(value)) return nanCode | sign;
        float magnitude = IntrinsicMath.Min(IntrinsicMath.Abs(value), max);   // saturate before rounding: max is representable
        if (magnitude < Scale(1 - bias))
        {
            // A multiple of the subnormal step, rounded to nearest even by the float addition of 2^23.
            float steps = magnitude * Scale(bias - 1 + mantissaBits);
            return (uint)(steps + 8388608f - 8388608f) | sign;
        }
        uint m = Interop.FloatAsInt(magnitude);
        int shift = 23 - mantissaBits;
        uint rounded = (m + (1u << (shift - 1)) - 1u + ((m >> shift) & 1u)) >> shift;
        return (rounded - ((uint)(127 - bias) << mantissaBits)) | sign;
    }

    private static float Scale(int exponent) => Interop.IntAsFloat((uint)(127 + exponent) << 23);
}

public static class KvLoad
{
    /// <summary>Element <paramref name="index"/> of a cache stored as words of <typeparamref name="TKv"/>.</summary>
    public static float At<TKv>(ArrayView<uint> words, long index) where TKv : struct, IKvFormat
    {
        int per = default(TKv).PerWord;
        return default(TKv).Decode(words[index / per], (int)(index % per));
    }
}
