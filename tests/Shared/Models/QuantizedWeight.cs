using System.Runtime.InteropServices;
using Engine.Loading;

namespace Tests.Shared;

/// <summary>A weight matrix as random ggml blocks of one type ("Q8_0", "Q4_0", "Q4_K", "Q6_K") and its exact
/// dequantized values (ggml's arithmetic, <see cref="GgmlReference"/>).</summary>
public sealed record QuantizedWeight(string Type, int Rows, int Cols, byte[] Blocks, float[] Dequantized)
{
    public DType DType => Enum.Parse<DType>(Type);

    public int RowBytes => Cols / GgmlReference.BlockElements(Type) * GgmlReference.BlockBytes(Type);

    /// <param name="magnitude">Scales the weights (about 0.5 at 1; see <see cref="GgmlReference.RandomBlocks"/>).</param>
    public static QuantizedWeight Random(string type, int rows, int cols, Random random, float magnitude = 1)
    {
        var blocks = GgmlReference.RandomBlocks(type, rows, cols, random, magnitude);
        int rowBytes = cols / GgmlReference.BlockElements(type) * GgmlReference.BlockBytes(type);
        var values = Enumerable.Range(0, rows).SelectMany(r => GgmlReference.DequantizeRow(type, blocks, r * rowBytes, cols)).ToArray();
        return new QuantizedWeight(type, rows, cols, blocks, values);
    }

    /// <summary>Random blocks for every weight matrix of <paramref name="model"/> that <paramref name="typeOf"/> gives a
    /// type (by Hugging Face name), scaled like the model's own weights (1/√fan-in).</summary>
    public static Dictionary<string, QuantizedWeight> ForModel(TinyModel model, Func<string, string?> typeOf, int seed = 7)
    {
        var random = new Random(seed);
        var result = new Dictionary<string, QuantizedWeight>();
        foreach (var (name, values) in model.Weights.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            if (typeOf(name) is not { } type) continue;
            int cols = name.EndsWith("o_proj.weight", StringComparison.Ordinal) ? model.Heads * model.HeadDim
                : name.EndsWith("down_proj.weight", StringComparison.Ordinal) ? model.Intermediate
                : model.Hidden;
            result[name] = Random(type, values.Length / cols, cols, random, 2f / MathF.Sqrt(cols));
        }
        return result;
    }

    /// <summary>The blocks as an engine tensor (an owned copy).</summary>
    public unsafe HostTensor ToHost(string name = "quantized")
    {
        var tensor = HostTensor.Allocate(name, DType, [Rows, Cols]);
        Marshal.Copy(Blocks, 0, (nint)tensor.Data, Blocks.Length);
        return tensor;
    }

    /// <summary>The dequantized values as an F32 engine tensor.</summary>
    public unsafe HostTensor DequantizedHost(string name = "dequantized")
    {
        var tensor = HostTensor.Allocate(name, DType.F32, [Rows, Cols]);
        Marshal.Copy(Dequantized, 0, (nint)tensor.Data, Dequantized.Length);
        return tensor;
    }
}
