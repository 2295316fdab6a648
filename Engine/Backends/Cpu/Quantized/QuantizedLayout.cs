using Engine.Loading;
using Engine.Loading.Quantization;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>
/// The CPU backend's layout of quantized weights, repacked from ggml's at load: rows in panels of 8 (the last one
/// zero-padded); a panel is its row blocks one after the other, block b of all 8 rows stored together as one
/// "panel block" whose shape each <see cref="IQuantFormat"/> documents (4 columns × 8 rows per 32-byte group, so a
/// VPDPBUSD yields 8 row sums; scales as 8-lane vectors). A matvec then streams each panel once, sequentially,
/// with no horizontal sums. Same bytes as ggml for Q8_0, Q4_0 and Q6_K; Q4_K keeps its 6-bit scales as bytes (+2.8%).
/// </summary>
internal static unsafe class QuantizedLayout
{
    public const int PanelRows = 8;

    public static int Panels(int rows) => (rows + PanelRows - 1) / PanelRows;

    public static int PanelBlockBytes(DType type) => type switch
    {
        DType.Q8_0 => Q8_0Format.PanelBlockBytes,
        DType.Q4_0 => Q4_0Format.PanelBlockBytes,
        DType.Q4_K => Q4_KFormat.PanelBlockBytes,
        DType.Q6_K => Q6_KFormat.PanelBlockBytes,
        _ => throw new NotSupportedException($"{type} has no quantized layout."),
    };

    /// <summary>Repacks rows [firstRow, firstRow + count) (ggml blocks, <paramref name="rowBytes"/> apart) into panels.</summary>
    public static void Repack(DType type, Func<int, nint> sourceRow, int rows, int blocks, byte* destination)
    {
        int panelBytes = blocks * PanelBlockBytes(type);
        Parallel.For(0, Panels(rows), p => RepackPanel(type, sourceRow, rows, p, blocks, destination + (long)p * panelBytes));
    }

    private static void RepackPanel(DType type, Func<int, nint> sourceRow, int rows, int panel, int blocks, byte* destination)
    {
        int n = type.BlockElements(), subs = GgmlBlocks.SubBlocks(type);
        Span<byte> quants = stackalloc byte[PanelRows * 256];
        Span<sbyte> subScales = stackalloc sbyte[PanelRows * 16];
        Span<byte> subMins = stackalloc byte[PanelRows * 16];
        Span<ushort> scales = stackalloc ushort[PanelRows];
        Span<ushort> mins = stackalloc ushort[PanelRows];
        for (int b = 0; b < blocks; b++)
        {
            quants.Clear(); subScales.Clear(); subMins.Clear(); scales.Clear(); mins.Clear();
            for (int r = 0; r < PanelRows; r++)
            {
                int row = panel * PanelRows + r;
                if (row >= rows) continue;
                var decoded = new GgmlBlocks.Decoded(quants.Slice(r * n, n), subScales.Slice(r * subs, subs), subMins.Slice(r * subs, subs));
                GgmlBlocks.Decode(type, (byte*)sourceRow(row) + (long)b * type.BlockBytes(), ref decoded);
                scales[r] = decoded.Scale;
                mins[r] = decoded.Min;
            }
            var source = new PanelSource(quants, subScales, subMins, scales, mins, n, subs);
            byte* block = destination + (long)b * PanelBlockBytes(type);
            switch (type)
            {
                case DType.Q8_0: Q8_0Format.Encode(source, block); break;
                case DType.Q4_0: Q4_0Format.Encode(source, block); break;
                case DType.Q4_K: Q4_KFormat.Encode(source, block); break;
                default: Q6_KFormat.Encode(source, block); break;
            }
        }
    }
}
