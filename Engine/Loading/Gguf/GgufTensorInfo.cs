namespace Engine.Loading.Gguf;

/// <summary>A tensor as the GGUF header describes it: ggml dims (dims[0] is the row length) and where its bytes lie,
/// relative to the data section.</summary>
public sealed record GgufTensorInfo(string Name, long[] Dims, uint GgmlType, long Offset, long ByteCount)
{
    /// <summary>Row-major shape, outermost first (the order safetensors and the model use).</summary>
    public int[] Shape => Dims.Reverse().Select(d => (int)d).ToArray();

    public string TypeName => Gguf.GgmlType.Name(GgmlType);
}
