using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Engine.Backends.Cpu;

/// <summary>
/// FP8 codes decoded by table lookup (AVX-512 VBMI), for attention's hot loops: every FP8 value is exact in BF16, so
/// a code's float is its BF16 bytes shifted up, and those two bytes are looked up by the code's 7-bit magnitude in two
/// 128-byte tables (VPERMI2B ignores the index's top bit, the sign, which is ORed back). Five vector operations per
/// 16 elements where <see cref="KvConversions.DecodeFp8"/> computes with about thirteen; the results are the same bits.
/// </summary>
internal readonly struct Fp8Lookup
{
    private readonly Vector512<byte> _low0, _low1, _high0, _high1;

    public static readonly Fp8Lookup E4M3 = new(mantissaBits: 3, bias: 7), E5M2 = new(mantissaBits: 2, bias: 15);

    public static bool IsSupported => Avx512Vbmi.IsSupported;

    private Fp8Lookup(int mantissaBits, int bias)
    {
        var low = new byte[128];
        var high = new byte[128];
        for (int code = 0; code < 128; code++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(KvConversions.DecodeFp8(Vector128.Create((byte)code), mantissaBits, bias).GetElement(0));
            (low[code], high[code]) = ((byte)(bits >> 16), (byte)(bits >> 24));
        }
        (_low0, _low1) = (Vector512.Create(low.AsSpan(0, 64)), Vector512.Create(low.AsSpan(64)));
        (_high0, _high1) = (Vector512.Create(high.AsSpan(0, 64)), Vector512.Create(high.AsSpan(64)));
    }

    /// <summary>16 codes as floats (only where <see cref="IsSupported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Decode(Vector128<byte> codes)
    {
        // Code k into bytes 2 and 3 of float k; bytes 0 and 1 read byte 16 of the zero-extended codes, a zero, whose
        // lookups give +0's zero bytes.
        var spread = Avx512Vbmi.PermuteVar64x8(codes.ToVector256().ToVector512(), Vector512.Create(
            0x00001010u, 0x01011010u, 0x02021010u, 0x03031010u, 0x04041010u, 0x05051010u, 0x06061010u, 0x07071010u,
            0x08081010u, 0x09091010u, 0x0A0A1010u, 0x0B0B1010u, 0x0C0C1010u, 0x0D0D1010u, 0x0E0E1010u, 0x0F0F1010u).AsByte());
        var low = Avx512Vbmi.PermuteVar64x8x2(_low0, spread, _low1);
        var high = Avx512Vbmi.PermuteVar64x8x2(_high0, spread, _high1) | (spread & Vector512.Create((byte)0x80));
        return Vector512.ConditionalSelect(Vector512.Create(0xFF000000u).AsByte(), high, low).AsSingle();
    }
}
