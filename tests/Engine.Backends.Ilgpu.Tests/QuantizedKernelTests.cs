using Engine.Backends;
using Engine.Loading;
using Engine.Loading.Quantization;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// The quantized-weight kernels (Q8_0, Q4_0, Q4_K, Q6_K blocks dequantized on the device) on ILGPU's CPU accelerator
/// against <see cref="Engine.Backends.Cpu.CpuBackend"/>: the matmul against the CPU's F32 matmul of the same weights
/// dequantized by ggml's arithmetic (<see cref="GgmlReference"/>), within 1e-4 (the device does exact F32 on the
/// dequantized weights), and loosely against the CPU's own quantized matmul (which quantizes the activations to 8 bits
/// as llama.cpp does); the embedding lookup equal to the CPU's. Odd row counts, every type, 1 to 40 tokens (matvec
/// and tiled kernel), q|k|v fused from different types.
/// </summary>
[Collection(IlgpuCollection.Name)]
public class QuantizedKernelTests(BackendPair b)
{
    /// <summary>The CPU backend's 8-bit activations move each output by up to ~1 % of the largest.</summary>
    private const double CpuQuantizedTolerance = 1e-2;

    public static TheoryData<string, int, int, int, bool> MatMulCases() => new()
    {
        // n ≤ 8: the matvec kernel (decode); n > 8: the tiled kernel (prefill).
        { "Q8_0", 1, 37, 96, false },
        { "Q8_0", 13, 8, 64, true },
        { "Q4_0", 5, 13, 160, true },
        { "Q4_0", 40, 67, 32, false },
        { "Q4_K", 1, 13, 256, false },
        { "Q4_K", 9, 37, 512, true },
        { "Q6_K", 3, 21, 256, true },
        { "Q6_K", 17, 5, 768, false },
    };

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMul_MatchesCpuOnTheDequantizedWeights(string type, int n, int rows, int cols, bool bias)
    {
        var weight = QuantizedWeight.Random(type, rows, cols, b.Random, 2f / MathF.Sqrt(cols));
        var x = b.Random2D(n, cols);
        var biasVector = bias ? b.Random2D(1, rows) : default;
        var exact = b.Cpu.LoadMatrix(DType.F32, weight.DequantizedHost());
        var expected = b.Cpu.Allocate(n, rows);
        b.Cpu.MatMul(x.Cpu, exact, biasVector.Cpu, expected);

        var quantized = b.LoadMatrix(DType.F32, weight.ToHost());
        var output = b.Allocate(n, rows);
        b.Gpu.MatMul(x.Gpu, quantized.Gpu, biasVector.Gpu, output.Gpu);
        b.Cpu.MatMul(x.Cpu, quantized.Cpu, biasVector.Cpu, output.Cpu);
        var actual = BackendPair.Download(b.Gpu, output.Gpu);
        BackendPair.AssertClose(BackendPair.Download(b.Cpu, expected), actual, $"{type} n={n} {rows}x{cols} vs dequantized F32");
        BackendPair.AssertClose(BackendPair.Download(b.Cpu, output.Cpu), actual, $"{type} n={n} {rows}x{cols} vs CPU quantized", CpuQuantizedTolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(19)]
    public void FusedQkv_OfMixedTypes_MatchesCpu(int n)
    {
        // q and k of one type share a segment (one launch); v and the last part differ, as in a Q4_K_M file.
        const int cols = 256;
        var parts = new[] { ("Q4_K", 24), ("Q4_K", 8), ("Q6_K", 8), ("Q8_0", 5) }
            .Select(p => QuantizedWeight.Random(p.Item1, p.Item2, cols, b.Random, 0.1f)).ToArray();
        var x = b.Random2D(n, cols);
        int rows = parts.Sum(p => p.Rows);
        var biasVector = b.Random2D(1, rows);
        var exact = b.Cpu.LoadMatrix(DType.F32, parts.Select(p => p.DequantizedHost()).ToArray());
        var expected = b.Cpu.Allocate(n, rows);
        b.Cpu.MatMul(x.Cpu, exact, biasVector.Cpu, expected);

        var fused = b.LoadMatrix(DType.F32, parts.Select(p => p.ToHost()).ToArray());
        Assert.Equal($"Tensor[{rows}x{cols} Q4_K|Q6_K|Q8_0]", fused.Gpu.ToString());
        var output = b.Allocate(n, rows);
        b.Gpu.MatMul(x.Gpu, fused.Gpu, biasVector.Gpu, output.Gpu);
        b.Cpu.MatMul(x.Cpu, fused.Cpu, biasVector.Cpu, output.Cpu);
        var actual = BackendPair.Download(b.Gpu, output.Gpu);
        BackendPair.AssertClose(BackendPair.Download(b.Cpu, expected), actual, $"fused q|k|v n={n} vs dequantized F32");
        BackendPair.AssertClose(BackendPair.Download(b.Cpu, output.Cpu), actual, $"fused q|k|v n={n} vs CPU quantized", CpuQuantizedTolerance);
    }

    [Fact]
    public void MatMul_IntoAColumnViewOfAWiderOutput()
    {
        var weight = QuantizedWeight.Random("Q4_0", 11, 64, b.Random);
        var x = b.Random2D(3, 64);
        var exact = b.Cpu.LoadMatrix(DType.F32, weight.DequantizedHost());
        var quantized = b.Gpu.LoadMatrix(DType.F32, weight.ToHost());
        var outputs = b.Allocate(3, 30);
        var o = (outputs.Cpu.Columns(7, 11), outputs.Gpu.Columns(7, 11));
        b.Cpu.MatMul(x.Cpu, exact, null, o.Item1);
        b.Gpu.MatMul(x.Gpu, quantized, null, o.Item2);
        b.AssertClose(o, "quantized matmul into columns 7..17");
    }

    [Theory]
    [InlineData("Q8_0", 37, 64)]
    [InlineData("Q4_0", 11, 96)]
    [InlineData("Q4_K", 23, 256)]
    [InlineData("Q6_K", 9, 512)]
    public void Embed_EqualsTheCpuLookup(string type, int vocab, int dim)
    {
        var table = b.LoadMatrix(DType.F32, QuantizedWeight.Random(type, vocab, dim, b.Random).ToHost());
        int[] ids = [0, vocab - 1, 3, 3, vocab / 2, 1];
        b.BeginStep(Batches.Simple(ids.Length, ids: ids));
        var output = b.Allocate(ids.Length, dim);
        b.Cpu.Embed(table.Cpu, output.Cpu);
        b.Gpu.Embed(table.Gpu, output.Gpu);
        b.AssertClose(output, $"embed {type}", 1e-6);
    }

    [Theory]
    [InlineData(DType.Q8_0)]
    [InlineData(DType.Q4_0)]
    [InlineData(DType.Q4_K)]
    public void FloatWeights_QuantizedAtLoad_MatchTheirBlocks(DType quantization)
    {
        // --quantization: F32 weights become blocks at load, the same blocks on both backends.
        var host = b.RandomHost(19, 256, 0.2f);
        using var blocks = QuantizedRowBlock.Of([host], 0, quantization);
        var bytes = new byte[blocks.Rows.ByteCount];
        unsafe
        {
            new ReadOnlySpan<byte>(blocks.Rows.Data, bytes.Length).CopyTo(bytes);
        }
        var type = quantization.ToString();
        int rowBytes = (int)quantization.RowBytes(256);
        var dequantized = Enumerable.Range(0, 19).SelectMany(r => GgmlReference.DequantizeRow(type, bytes, r * rowBytes, 256)).ToArray();
        var exact = b.Cpu.LoadMatrix(DType.F32, new QuantizedWeight(type, 19, 256, bytes, dequantized).DequantizedHost());

        var x = b.Random2D(2, 256);
        var expected = b.Cpu.Allocate(2, 19);
        b.Cpu.MatMul(x.Cpu, exact, null, expected);
        var quantized = b.Gpu.LoadMatrix(quantization, host);
        Assert.Equal(quantization, quantized.DType);
        var output = b.Gpu.Allocate(2, 19);
        b.Gpu.MatMul(x.Gpu, quantized, null, output);
        BackendPair.AssertClose(BackendPair.Download(b.Cpu, expected), BackendPair.Download(b.Gpu, output), $"--quantization {quantization}");
    }

    [Fact]
    public void UnsupportedShapes_AreClearErrors()
    {
        var rowsOf40 = b.RandomHost(4, 40);
        var error = Assert.Throws<NotSupportedException>(() => b.Gpu.LoadMatrix(DType.Q8_0, rowsOf40));
        Assert.Contains("not a multiple of the Q8_0 block size 32", error.Message);

        var quantized = QuantizedWeight.Random("Q8_0", 4, 64, b.Random).ToHost("blk.0.attn_q.weight");
        var floats = b.RandomHost(4, 64);
        error = Assert.Throws<NotSupportedException>(() => b.Gpu.LoadMatrix(DType.F32, quantized, floats));
        Assert.Contains("cannot be fused with quantized weights", error.Message);
    }
}
