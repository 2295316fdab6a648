namespace Tests.Shared;

/// <summary>ggml's dequantize_row_q8_0 / q4_0 / q4_K / q6_K (ggml-quants.c), transcribed independently of the
/// engine's code, and random blocks of each type with sane scales.</summary>
public static class GgmlReference
{
    public static int BlockElements(string type) => type is "Q8_0" or "Q4_0" ? 32 : 256;

    public static int BlockBytes(string type) => type switch { "Q8_0" => 34, "Q4_0" => 18, "Q4_K" => 144, _ => 210 };

    private static float H(byte[] b, int at) => (float)BitConverter.ToHalf(b, at);

    public static float[] DequantizeRow(string type, byte[] data, int offset, int cols)
    {
        var y = new float[cols];
        int n = BlockElements(type), size = BlockBytes(type);
        for (int i = 0; i < cols / n; i++)
        {
            int x = offset + i * size;
            int o = i * n;
            switch (type)
            {
                case "Q8_0":
                    for (int j = 0; j < 32; j++) y[o + j] = H(data, x) * (sbyte)data[x + 2 + j];
                    break;
                case "Q4_0":
                    for (int j = 0; j < 16; j++)
                    {
                        y[o + j] = ((data[x + 2 + j] & 0x0F) - 8) * H(data, x);
                        y[o + j + 16] = ((data[x + 2 + j] >> 4) - 8) * H(data, x);
                    }
                    break;
                case "Q4_K":
                {
                    float d = H(data, x), min = H(data, x + 2);
                    int q = x + 16, scales = x + 4, isx = 0;
                    for (int j = 0; j < 256; j += 64)
                    {
                        var (sc, m) = ScaleMinK4(isx, data, scales);
                        float d1 = d * sc, m1 = min * m;
                        (sc, m) = ScaleMinK4(isx + 1, data, scales);
                        float d2 = d * sc, m2 = min * m;
                        for (int l = 0; l < 32; l++) y[o + j + l] = d1 * (data[q + l] & 0xF) - m1;
                        for (int l = 0; l < 32; l++) y[o + j + 32 + l] = d2 * (data[q + l] >> 4) - m2;
                        q += 32;
                        isx += 2;
                    }
                    break;
                }
                default:
                {
                    float d = H(data, x + 208);
                    int ql = x, qh = x + 128, sc = x + 192;
                    for (int n128 = 0; n128 < 256; n128 += 128)
                    {
                        for (int l = 0; l < 32; l++)
                        {
                            int isx = l / 16;
                            int q1 = ((data[ql + l] & 0xF) | (((data[qh + l] >> 0) & 3) << 4)) - 32;
                            int q2 = ((data[ql + l + 32] & 0xF) | (((data[qh + l] >> 2) & 3) << 4)) - 32;
                            int q3 = ((data[ql + l] >> 4) | (((data[qh + l] >> 4) & 3) << 4)) - 32;
                            int q4 = ((data[ql + l + 32] >> 4) | (((data[qh + l] >> 6) & 3) << 4)) - 32;
                            y[o + n128 + l] = d * (sbyte)data[sc + isx] * q1;
                            y[o + n128 + l + 32] = d * (sbyte)data[sc + isx + 2] * q2;
                            y[o + n128 + l + 64] = d * (sbyte)data[sc + isx + 4] * q3;
                            y[o + n128 + l + 96] = d * (sbyte)data[sc + isx + 6] * q4;
                        }
                        ql += 64;
                        qh += 32;
                        sc += 8;
                    }
                    break;
                }
            }
        }
        return y;
    }

    private static (int Scale, int Min) ScaleMinK4(int j, byte[] q, int at) => j < 4
        ? (q[at + j] & 63, q[at + j + 4] & 63)
        : ((q[at + j + 4] & 0xF) | ((q[at + j - 4] >> 6) << 4), (q[at + j + 4] >> 4) | ((q[at + j] >> 6) << 4));

    /// <summary>Random bytes for the quants and sub-scales, with the f16 scales set to small values of either sign
    /// (times <paramref name="magnitude"/>: weights of about 0.5 at 1).</summary>
    public static byte[] RandomBlocks(string type, int rows, int cols, Random random, float magnitude = 1)
    {
        int size = BlockBytes(type), blocks = rows * cols / BlockElements(type);
        var data = new byte[blocks * size];
        random.NextBytes(data);
        void SetHalf(int at, float value) => BitConverter.TryWriteBytes(data.AsSpan(at), (Half)value);
        float Scale() => magnitude * (float)(0.002 + 0.02 * random.NextDouble()) * (random.Next(2) == 0 ? 1 : -1);
        for (int b = 0; b < blocks; b++)
        {
            int x = b * size;
            switch (type)
            {
                case "Q8_0" or "Q4_0": SetHalf(x, Scale()); break;
                case "Q4_K": SetHalf(x, Math.Abs(Scale()) / 8); SetHalf(x + 2, Math.Abs(Scale()) / 8); break;
                default: SetHalf(x + 208, Scale() / 16); break;
            }
        }
        return data;
    }
}
