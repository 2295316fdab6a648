using Engine.Loading;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Reads one row of a repacked quantized matrix back as floats (an embedding lookup), with ggml's
/// dequantization arithmetic, so it equals ggml's dequantize_row_* of the original row.</summary>
internal static unsafe class QuantizedRows
{
    public static void Dequantize(CpuQuantizedMatrix matrix, int row, Span<float> destination)
    {
        var segment = matrix.Segments.Last(s => s.FirstRow <= row);
        int local = row - segment.FirstRow;
        byte* panel = segment.Panel(local / QuantizedLayout.PanelRows);
        int r = local % QuantizedLayout.PanelRows;
        switch (segment.Type)
        {
            case DType.Q8_0: Dequantize<Q8_0Format>(panel, segment.Blocks, r, destination); break;
            case DType.Q4_0: Dequantize<Q4_0Format>(panel, segment.Blocks, r, destination); break;
            case DType.Q4_K: Dequantize<Q4_KFormat>(panel, segment.Blocks, r, destination); break;
            default: Dequantize<Q6_KFormat>(panel, segment.Blocks, r, destination); break;
        }
    }

    private static void Dequantize<TF>(byte* panel, int blocks, int r, Span<float> destination) where TF : struct, IQuantFormat
    {
        for (int b = 0; b < blocks; b++)
        {
            byte* block = panel + (long)b * TF.PanelBlockBytes;
            float scale = TF.Scale(block)[r], minScale = TF.HasMins ? TF.MinScale(block)[r] : 0;
            for (int s = 0; s < TF.BlockElements / TF.SubElements; s++)
            {
                float subScale = TF.HasSubScales ? scale * TF.SubScale(block, s)[r] : scale;
                float min = TF.HasMins ? minScale * TF.SubMin(block, s)[r] : 0;
                for (int g = 0; g < TF.SubElements / 4; g++)
                {
                    var group = TF.Group(block, s, g);
                    for (int k = 0; k < 4; k++)
                        destination[b * TF.BlockElements + s * TF.SubElements + 4 * g + k] = subScale * (group[4 * r + k] - TF.Offset) - min;
                }
            }
        }
    }
}
