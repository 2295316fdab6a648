using Engine.Backends.Ilgpu.Kernels;
using Engine.Loading;

namespace Engine.Backends.Ilgpu;

/// <summary>ggml blocks to the device layout of <see cref="IQuantizedFormat"/>: every block's quants go to one word
/// stream and its parameters to a byte stream after it, rows in order (several row blocks one after the other).</summary>
internal static unsafe class QuantizedUpload
{
    /// <summary>The words to upload and how many of them are quants (the parameters follow).</summary>
    public static (uint[] Words, long QuantWords) Split<TFormat>(IReadOnlyList<HostTensor> parts) where TFormat : struct, IQuantizedFormat
    {
        var format = default(TFormat);
        int cols = parts[0].Cols, blocksPerRow = cols / format.BlockElements, ggmlBytes = parts[0].DType.BlockBytes();
        int quantBytes = 4 * format.QuantWords;
        long blocks = (long)parts.Sum(p => p.Rows) * blocksPerRow;
        long quantWords = blocks * format.QuantWords;
        var words = new uint[quantWords + (blocks * format.ParamBytes + 3) / 4];
        long firstRow = 0;
        foreach (var part in parts)
        {
            long baseRow = firstRow;
            Parallel.For(0, part.Rows, r =>
            {
                fixed (uint* destination = words)
                {
                    byte* quants = (byte*)destination, parameters = (byte*)(destination + quantWords);
                    byte* row = part.Row(r);
                    long block = (baseRow + r) * blocksPerRow;
                    for (int b = 0; b < blocksPerRow; b++, block++)
                    {
                        byte* source = row + (long)b * ggmlBytes;
                        Buffer.MemoryCopy(source + format.GgmlQuantOffset, quants + block * quantBytes, quantBytes, quantBytes);
                        Buffer.MemoryCopy(source + format.GgmlParamOffset, parameters + block * format.ParamBytes, format.ParamBytes, format.ParamBytes);
                    }
                }
            });
            firstRow += part.Rows;
        }
        return (words, quantWords);
    }
}
