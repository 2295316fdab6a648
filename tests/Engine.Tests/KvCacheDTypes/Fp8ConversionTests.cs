using System.Runtime.Intrinsics;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;

namespace Engine.Tests.KvCacheDTypes;

/// <summary>
/// The KV cache's vectorised conversions against plain references written here: every FP8 code decoded from its
/// sign, exponent and mantissa fields; every float encoded as the nearest finite code (ties to the even code,
/// magnitudes beyond the largest finite value and infinities saturated to it, NaN to NaN), found by searching all codes.
/// </summary>
public class Fp8ConversionTests
{
    public static TheoryData<KvCacheDType> Fp8Types() => new(KvCacheDType.Fp8E4M3, KvCacheDType.Fp8E5M2);

    [Theory]
    [MemberData(nameof(Fp8Types))]
    public void EveryCode_DecodesAsItsFields(KvCacheDType type)
    {
        var codes = Enumerable.Range(0, 256).Select(c => (byte)c).ToArray();
        var decoded = new float[256];
        KvConversions.Decode(type, codes, decoded);
        for (int code = 0; code < 256; code++)
        {
            double expected = PlainFp8.Value(type, (byte)code);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(decoded[code]), $"code 0x{code:X2} should be NaN, got {decoded[code]}");
            else Assert.Equal(expected, decoded[code]);
        }
    }

    /// <summary>Attention's 16-wide loads (a table lookup where the CPU has AVX-512 VBMI) against the fields, and to the
    /// bit against the arithmetic decode.</summary>
    [Theory]
    [MemberData(nameof(Fp8Types))]
    public unsafe void EveryCode_LoadsSixteenAtATimeAsItsFields(KvCacheDType type)
    {
        var codes = Enumerable.Range(0, 256).Select(c => (byte)c).ToArray();
        fixed (byte* data = codes)
            for (int i = 0; i < 256; i += 16)
            {
                var loaded = type == KvCacheDType.Fp8E4M3 ? Fp8E4M3Kv.Load16(data, i) : Fp8E5M2Kv.Load16(data, i);
                var computed = KvConversions.DecodeFp8(Vector128.Load(data + i), type == KvCacheDType.Fp8E4M3 ? 3 : 2,
                    type == KvCacheDType.Fp8E4M3 ? 7 : 15);
                Assert.Equal(computed.AsUInt32(), loaded.AsUInt32());
                for (int k = 0; k < 16; k++)
                {
                    double expected = PlainFp8.Value(type, (byte)(i + k));
                    if (double.IsNaN(expected)) Assert.True(float.IsNaN(loaded[k]), $"code 0x{i + k:X2} should be NaN, got {loaded[k]}");
                    else Assert.Equal(expected, loaded[k]);
                }
            }
    }

    [Theory]
    [MemberData(nameof(Fp8Types))]
    public void Floats_EncodeToTheNearestCode_TiesToEven_Saturating(KvCacheDType type)
    {
        var values = EdgeValues(type).Concat(RandomValues(4000)).ToArray();   // not a multiple of 16: the tail path too
        var encoded = new byte[values.Length];
        KvConversions.Encode(type, values, encoded);
        for (int i = 0; i < values.Length; i++)
        {
            byte expected = PlainFp8.Encode(type, values[i]);
            if (float.IsNaN(values[i])) Assert.True(double.IsNaN(PlainFp8.Value(type, encoded[i])), $"NaN encoded as 0x{encoded[i]:X2}");
            else Assert.True(expected == encoded[i], $"{type}: {values[i]:R} encoded as 0x{encoded[i]:X2}, expected 0x{expected:X2}");
        }
    }

    [Fact]
    public void BFloat16_EncodesAsTheScalarRoundToNearestEven()
    {
        var values = RandomValues(1001).Concat([float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, float.MaxValue]).ToArray();
        var encoded = new byte[values.Length * 2];
        KvConversions.Encode(KvCacheDType.BFloat16, values, encoded);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BFloat16.FromSingle(values[i]), BitConverter.ToUInt16(encoded, 2 * i));
        var decoded = new float[values.Length];
        KvConversions.Decode(KvCacheDType.BFloat16, encoded, decoded);
        for (int i = 0; i < values.Length; i++) Assert.Equal(BFloat16.ToSingle(BitConverter.ToUInt16(encoded, 2 * i)), decoded[i]);
    }

    /// <summary>Zeros, every code's value and the midpoints between neighbours (ties), just off them, beyond the maximum, infinities, NaN.</summary>
    private static IEnumerable<float> EdgeValues(KvCacheDType type)
    {
        var finite = Enumerable.Range(0, 128).Select(c => PlainFp8.Value(type, (byte)c)).Where(double.IsFinite).Order().ToList();
        yield return 0f;
        yield return -0f;
        for (int i = 0; i < finite.Count; i++)
        {
            foreach (var sign in new[] { 1, -1 })
            {
                yield return (float)(sign * finite[i]);
                if (i + 1 >= finite.Count) continue;
                float middle = (float)(sign * (finite[i] + finite[i + 1]) / 2);
                yield return middle;
                yield return MathF.BitIncrement(middle);
                yield return MathF.BitDecrement(middle);
            }
        }
        float max = (float)finite[^1];
        foreach (var beyond in new[] { max * 1.03f, max * 1.1f, max * 4, float.MaxValue, float.PositiveInfinity, float.NaN, float.Epsilon, 1e-30f })
        {
            yield return beyond;
            yield return -beyond;
        }
    }

    private static IEnumerable<float> RandomValues(int count)
    {
        var random = new Random(19);
        for (int i = 0; i < count; i++) yield return (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-22, 18)));
    }
}

/// <summary>FP8 written out plainly: a code's value from its fields, and encoding by searching all finite codes.</summary>
internal static class PlainFp8
{
    public static double Value(KvCacheDType type, byte code)
    {
        var (exponentBits, mantissaBits, bias) = type == KvCacheDType.Fp8E4M3 ? (4, 3, 7) : (5, 2, 15);
        int sign = code >> 7, exponent = (code >> mantissaBits) & ((1 << exponentBits) - 1), mantissa = code & ((1 << mantissaBits) - 1);
        double magnitude;
        if (type == KvCacheDType.Fp8E4M3 && exponent == 15 && mantissa == 7) return double.NaN;
        if (type == KvCacheDType.Fp8E5M2 && exponent == 31) magnitude = mantissa == 0 ? double.PositiveInfinity : double.NaN;
        else if (exponent == 0) magnitude = mantissa / (double)(1 << mantissaBits) * Math.Pow(2, 1 - bias);
        else magnitude = (1 + mantissa / (double)(1 << mantissaBits)) * Math.Pow(2, exponent - bias);
        return sign == 1 ? -magnitude : magnitude;
    }

    public static byte Encode(KvCacheDType type, float value)
    {
        int best = -1;
        double bestDistance = double.PositiveInfinity, target = Math.Abs((double)value);
        for (int code = 0; code < 128; code++)
        {
            double v = Value(type, (byte)code);
            if (!double.IsFinite(v)) continue;
            double distance = Math.Abs(v - Math.Min(target, MaxFinite(type)));
            if (distance < bestDistance || (distance == bestDistance && code % 2 == 0)) (best, bestDistance) = (code, distance);
        }
        return (byte)(best | (value < 0 || (value == 0 && float.IsNegative(value)) ? 0x80 : 0));
    }

    private static double MaxFinite(KvCacheDType type) => type == KvCacheDType.Fp8E4M3 ? 448 : 57344;
}
