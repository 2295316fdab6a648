using Engine.Loading;

namespace Engine.Backends.Cpu.Quantized;

/// <summary>Rows [FirstRow, FirstRow + Rows) of a fused weight matrix, in one quantized type, repacked into panels.</summary>
internal sealed unsafe class QuantizedSegment(DType type, int firstRow, int rows, int cols, NativeBuffer data)
{
    public DType Type { get; } = type;
    public int FirstRow { get; } = firstRow;
    public int Rows { get; } = rows;
    public int Blocks { get; } = cols / type.BlockElements();
    public int Panels => QuantizedLayout.Panels(Rows);
    public NativeBuffer Data { get; } = data;

    public byte* Panel(int panel) => (byte*)Data.Pointer + (long)panel * Blocks * QuantizedLayout.PanelBlockBytes(Type);
}
