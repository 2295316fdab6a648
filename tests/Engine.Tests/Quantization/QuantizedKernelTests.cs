using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;

namespace Engine.Tests.Quantization;

/// <summary>
/// The CPU backend's quantized matmul and embedding lookup against a plain dequantize-then-dot written here (ggml's
/// dequantizers, double sums), for each type, odd row counts, 1 to 21 tokens (the 8-token tiles of Q8_0/Q4_0, the
/// 4-token tiles and the single-token tail), on both the AVX-VNNI and the portable Vector256 path, which must agree exactly. The kernels quantize the
/// activations to 8 bits as llama.cpp does, so the bound is each weight's magnitude times half an activation step.
/// </summary>
public sealed unsafe class QuantizedKernelTests
{
    public static TheoryData<string, int, int, int> Shapes() => new()
    {
        { "Q8_0", 13, 96, 1 }, { "Q8_0", 37, 512, 9 }, { "Q8_0", 8, 32, 4 },
        { "Q4_0", 13, 96, 3 }, { "Q4_0", 37, 512, 9 }, { "Q4_0", 1, 64, 5 }, { "Q4_0", 24, 160, 21 },
        { "Q4_K", 13, 256, 1 }, { "Q4_K", 37, 768, 9 }, { "Q4_K", 8, 512, 4 },
        { "Q6_K", 13, 256, 2 }, { "Q6_K", 37, 768, 9 }, { "Q6_K", 3, 512, 6 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMul_MatchesDequantizeThenDot_OnBothPaths(string type, int rows, int cols, int tokens)
    {
        var random = new Random(rows * 31 + cols + tokens);
        var weights = GgmlReference.RandomBlocks(type, rows, cols, random);
        var x = Enumerable.Range(0, tokens * cols).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        var dense = Enumerable.Range(0, rows).Select(r => GgmlReference.DequantizeRow(type, weights, r * RowBytes(type, cols), cols)).ToArray();

        var portable = Run(type, weights, rows, cols, x, tokens, portableKernels: true);
        var fast = Run(type, weights, rows, cols, x, tokens, portableKernels: false);
        Assert.Equal(portable, fast);

        int block = GgmlReference.BlockElements(type);
        for (int t = 0; t < tokens; t++)
        {
            var xt = x.AsSpan(t * cols, cols);
            for (int r = 0; r < rows; r++)
            {
                double expected = 0, bound = 0;
                for (int c = 0; c < cols; c++)
                {
                    expected += (double)dense[r][c] * xt[c];
                    float blockMax = 0;
                    foreach (float v in xt.Slice(c / block * block, block)) blockMax = Math.Max(blockMax, Math.Abs(v));
                    bound += Math.Abs(dense[r][c]) * blockMax / 127 * 0.57;   // half a step, plus the f16-rounded Q8_0 scale
                }
                Assert.True(Math.Abs(fast[t * rows + r] - expected) <= bound + 1e-5 * (1 + Math.Abs(expected)),
                    $"{type} token {t} row {r}: {fast[t * rows + r]} vs {expected} (bound {bound})");
            }
        }
    }

    [Fact]
    public void PortablePathIsTheOnlyOneWithoutVnni_AndVnniIsUsedWhereTheCpuHasIt()
    {
        using var fast = new CpuBackend(1, portableQuantizedKernels: false);
        Assert.Equal(AvxVnni.IsSupported, fast.UsesVnni);
        using var portable = new CpuBackend(1, portableQuantizedKernels: true);
        Assert.False(portable.UsesVnni);
    }

    [Theory]
    [InlineData("Q8_0")]
    [InlineData("Q4_0")]
    [InlineData("Q4_K")]
    [InlineData("Q6_K")]
    public void Embed_EqualsGgmlDequantization(string type)
    {
        int rows = 11, cols = 512;
        var weights = GgmlReference.RandomBlocks(type, rows, cols, new Random(5));
        using var backend = new CpuBackend(2);
        var table = backend.LoadMatrix(DType.F32, Host(type, weights, rows, cols));
        int[] ids = [10, 0, 7, 7];
        backend.BeginStep(new ForwardBatch { TokenIds = ids, Positions = new int[4], SlotMapping = new int[4], TokenSequence = new int[4], BlockTables = [], MaxBlocksPerSequence = 0, LogitTokenIndices = [] });
        var output = backend.Allocate(ids.Length, cols);
        backend.Embed(table, output);
        var host = new float[ids.Length * cols];
        backend.Download(output, host);
        for (int i = 0; i < ids.Length; i++)
            Assert.Equal(GgmlReference.DequantizeRow(type, weights, ids[i] * RowBytes(type, cols), cols), host.AsSpan(i * cols, cols).ToArray());
    }

    [Fact]
    public void FusedSegmentsOfDifferentTypes_EachGiveTheirOwnRows()
    {
        int cols = 256, tokens = 5;
        var random = new Random(9);
        var q4 = GgmlReference.RandomBlocks("Q4_K", 19, cols, random);
        var q6 = GgmlReference.RandomBlocks("Q6_K", 5, cols, random);
        var x = Enumerable.Range(0, tokens * cols).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        using var backend = new CpuBackend(2);
        var fused = backend.LoadMatrix(DType.F32, Host("Q4_K", q4, 19, cols), Host("Q6_K", q6, 5, cols));
        var together = MatMul(backend, fused, x, tokens, cols);
        var first = MatMul(backend, backend.LoadMatrix(DType.F32, Host("Q4_K", q4, 19, cols)), x, tokens, cols);
        var second = MatMul(backend, backend.LoadMatrix(DType.F32, Host("Q6_K", q6, 5, cols)), x, tokens, cols);
        for (int t = 0; t < tokens; t++)
        {
            Assert.Equal(first.AsSpan(t * 19, 19).ToArray(), together.AsSpan(t * 24, 19).ToArray());
            Assert.Equal(second.AsSpan(t * 5, 5).ToArray(), together.AsSpan(t * 24 + 19, 5).ToArray());
        }
    }

    [Theory]
    [InlineData(DType.Q8_0, 0.5 / 127)]
    [InlineData(DType.Q4_0, 0.5 / 7)]
    [InlineData(DType.Q4_K, 0.5 / 15 * 1.5)]
    public void OnlineQuantization_RoundTripsWithinHalfAStep(DType type, double relativeStep)
    {
        int rows = 6, cols = 512;
        var random = new Random(3);
        var values = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.1f).ToArray();
        var source = HostTensor.Allocate("w", DType.F32, [rows, cols]);
        Marshal.Copy(values, 0, (nint)source.Data, values.Length);
        var quantized = HostTensor.Allocate("w", type, [rows, cols]);
        for (int r = 0; r < rows; r++) global::Engine.Loading.Quantization.GgmlBlocks.QuantizeRow(type, values.AsSpan(r * cols, cols), quantized.Row(r));
        var bytes = new byte[quantized.ByteCount];
        Marshal.Copy((nint)quantized.Data, bytes, 0, bytes.Length);
        for (int r = 0; r < rows; r++)
        {
            var back = GgmlReference.DequantizeRow(type.ToString(), bytes, (int)(r * quantized.RowBytes), cols);
            for (int c = 0; c < cols; c++)
                Assert.True(Math.Abs(back[c] - values[r * cols + c]) <= 0.2 * relativeStep * 1.01 + 1e-4, $"{type} [{r},{c}]: {back[c]} vs {values[r * cols + c]}");
        }
    }

    private static int RowBytes(string type, int cols) => cols / GgmlReference.BlockElements(type) * GgmlReference.BlockBytes(type);

    private static HostTensor Host(string type, byte[] data, int rows, int cols)
    {
        var tensor = HostTensor.Allocate("w", Enum.Parse<DType>(type), [rows, cols]);
        Marshal.Copy(data, 0, (nint)tensor.Data, data.Length);
        return tensor;
    }

    /// <summary>A token's outputs are the same bits alone and in batches of every size (each tile size and the tail do
    /// the same arithmetic per token): batched requests decode what they would alone.</summary>
    [Theory]
    [InlineData("Q8_0")]
    [InlineData("Q4_0")]
    [InlineData("Q4_K")]
    [InlineData("Q6_K")]
    public void EveryTokensOutput_IsTheSameBits_InEveryBatchSize(string type)
    {
        const int rows = 21, cols = 512, tokens = 19;
        var random = new Random(11);
        var weights = GgmlReference.RandomBlocks(type, rows, cols, random);
        var x = Enumerable.Range(0, tokens * cols).Select(_ => (float)(2 * random.NextDouble() - 1)).ToArray();
        using var backend = new CpuBackend(2);
        var matrix = backend.LoadMatrix(DType.F32, Host(type, weights, rows, cols));
        var all = MatMul(backend, matrix, x, tokens, cols);
        foreach (int batch in new[] { 1, 4, 8, 9, 13 })
            for (int first = 0; first + batch <= tokens; first += batch)
            {
                var part = MatMul(backend, matrix, x[(first * cols)..((first + batch) * cols)], batch, cols);
                Assert.Equal(all[(first * rows)..((first + batch) * rows)], part);
            }
    }

    private static float[] Run(string type, byte[] weights, int rows, int cols, float[] x, int tokens, bool portableKernels)
    {
        using var backend = new CpuBackend(2, portableKernels);
        return MatMul(backend, backend.LoadMatrix(DType.F32, Host(type, weights, rows, cols)), x, tokens, cols);
    }

    private static float[] MatMul(CpuBackend backend, Tensor weight, float[] x, int tokens, int cols)
    {
        var input = (CpuTensor)backend.Allocate(tokens, cols);
        x.CopyTo(new Span<float>(input.Row(0), tokens * cols));
        var output = backend.Allocate(tokens, weight.Rows);
        backend.MatMul(input, weight, null, output);
        var host = new float[tokens * weight.Rows];
        backend.Download(output, host);
        return host;
    }
}
