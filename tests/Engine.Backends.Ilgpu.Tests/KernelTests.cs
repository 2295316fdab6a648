using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Engine.Backends;
using Engine.Loading;
using Engine.Models;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// Every op of the ILGPU backend, run on ILGPU's CPU accelerator, against <see cref="Engine.Backends.Cpu.CpuBackend"/>
/// on random inputs: odd sizes, strided views (column slices of a fused q|k|v), F32/BF16/F16 weights.
/// </summary>
[Collection(IlgpuCollection.Name)]
public class KernelTests(BackendPair b)
{
    [Theory]
    [InlineData(DType.F32, 37, 19)]
    [InlineData(DType.BF16, 50, 64)]
    [InlineData(DType.F16, 11, 13)]
    public void Embed_GathersRows(DType dtype, int vocab, int dim)
    {
        var table = b.LoadMatrix(dtype, b.RandomHost(vocab, dim, 1f, dtype));
        int[] ids = [0, vocab - 1, 3, 3, vocab / 2, 1, 7 % vocab];
        b.BeginStep(Batches.Simple(ids.Length, ids: ids));
        var output = b.Allocate(ids.Length, dim);
        b.Cpu.Embed(table.Cpu, output.Cpu);
        b.Gpu.Embed(table.Gpu, output.Gpu);
        b.AssertClose(output, $"embed {dtype} {vocab}x{dim}", 1e-7);
    }

    [Theory]
    [InlineData(5, 19, 19)]     // whole rows, odd width
    [InlineData(3, 300, 300)]   // wider than a group
    [InlineData(4, 36, 12)]     // per head (q/k norm), 3 heads of 12
    public void RmsNorm_MatchesCpu(int rows, int cols, int group)
    {
        var x = b.Random2D(rows, cols, 3f);
        var weight = b.Random2D(1, group);
        var output = b.Allocate(rows, cols);
        b.Cpu.RmsNorm(x.Cpu, weight.Cpu, 1e-5f, output.Cpu);
        b.Gpu.RmsNorm(x.Gpu, weight.Gpu, 1e-5f, output.Gpu);
        b.AssertClose(output, $"rmsnorm {rows}x{cols}/{group}");
    }

    [Fact]
    public void RmsNorm_InPlaceOnColumnView()
    {
        var fused = b.Random2D(6, 40, 2f);
        var keys = (fused.Cpu.Columns(24, 8), fused.Gpu.Columns(24, 8));
        var weight = b.Random2D(1, 4);
        b.Cpu.RmsNorm(keys.Item1, weight.Cpu, 1e-6f, keys.Item1);
        b.Gpu.RmsNorm(keys.Item2, weight.Gpu, 1e-6f, keys.Item2);
        b.AssertClose(fused, "in-place per-head norm of a column slice");
    }

    public static TheoryData<DType, int, int, int, bool> MatMulCases() => new()
    {
        // n ≤ 8: the matvec kernel (decode); n > 8: the tiled kernel (prefill).
        { DType.F32, 1, 37, 19, false },
        { DType.F32, 3, 64, 48, true },
        { DType.BF16, 5, 33, 100, false },
        { DType.F16, 8, 20, 7, true },
        { DType.F32, 13, 45, 70, true },
        { DType.BF16, 40, 67, 33, false },
        { DType.F16, 21, 16, 129, false },
        { DType.BF16, 9, 130, 64, true },
    };

    [Theory]
    [MemberData(nameof(MatMulCases))]
    public void MatMul_MatchesCpu(DType dtype, int n, int outCols, int inCols, bool bias)
    {
        var weight = b.LoadMatrix(dtype, b.RandomHost(outCols / 3, inCols, 0.5f, dtype), b.RandomHost(outCols - outCols / 3, inCols, 0.5f, dtype));
        var x = b.Random2D(n, inCols);
        var biasVector = bias ? b.Random2D(1, outCols) : default;
        var output = b.Allocate(n, outCols);
        b.Cpu.MatMul(x.Cpu, weight.Cpu, biasVector.Cpu, output.Cpu);
        b.Gpu.MatMul(x.Gpu, weight.Gpu, biasVector.Gpu, output.Gpu);
        b.AssertClose(output, $"matmul {dtype} n={n} out={outCols} in={inCols} bias={bias}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(17)]
    public void MatMul_StridedInputAndOutput(int n)
    {
        var weight = b.LoadMatrix(DType.F32, b.RandomHost(24, 20));
        var wide = b.Random2D(n, 50);
        var x = (wide.Cpu.Columns(30, 20), wide.Gpu.Columns(30, 20));
        var outputs = b.Allocate(n, 40);
        var o = (outputs.Cpu.Columns(8, 24), outputs.Gpu.Columns(8, 24));
        b.Cpu.MatMul(x.Item1, weight.Cpu, null, o.Item1);
        b.Gpu.MatMul(x.Item2, weight.Gpu, null, o.Item2);
        b.AssertClose(o, $"strided matmul n={n}");
    }

    [Theory]
    [InlineData(8, 8, 2, null, 8)]
    [InlineData(12, 36, 5, null, 12)]
    [InlineData(16, 64, 7, "llama3", 16)]
    [InlineData(16, 64, 7, "yarn", 16)]   // cos and sin scaled by the attention factor
    [InlineData(16, 48, 5, null, 12)]      // partial rotary: 12 of 16 dimensions
    [InlineData(24, 48, 3, "yarn", 8)]
    public void Rope_MatchesCpu(int headDim, int cols, int rows, string? scaling, int rotaryDim)
    {
        var config = new ModelConfig
        {
            ModelType = "llama", HiddenSize = cols, IntermediateSize = 8, NumLayers = 1, NumHeads = cols / headDim,
            NumKvHeads = 1, HeadDim = headDim, VocabSize = 8, RopeTheta = 500000, RotaryDim = rotaryDim,
            RopeScaling = scaling is null ? null : new RopeScaling { Type = scaling, Factor = 8, OriginalMaxPositionEmbeddings = 32 },
        };
        const int maxPositions = 300;
        var cpuRope = RotaryFrequencies.Build(b.Cpu, config, maxPositions);
        var gpuRope = RotaryFrequencies.Build(b.Gpu, config, maxPositions);
        var positions = Enumerable.Range(0, rows).Select(i => (i * 97 + 5) % maxPositions).ToArray();
        b.BeginStep(Batches.Simple(rows, positions: positions));
        var fused = b.Random2D(rows, cols + 2 * headDim);
        var q = (fused.Cpu.Columns(headDim, cols), fused.Gpu.Columns(headDim, cols));
        b.Cpu.Rope(q.Item1, cpuRope);
        b.Gpu.Rope(q.Item2, gpuRope);
        b.AssertClose(fused, $"rope head {headDim}, {rotaryDim} rotated, {scaling}");
    }

    [Fact]
    public void GatedActivations_Add_GatherRows_MatchCpu()
    {
        var gateUp = b.Random2D(7, 2 * 45, 4f);   // gates large enough to saturate GELU's tanh
        var activated = b.Allocate(7, 45);
        b.Cpu.GeluTanhMul(gateUp.Cpu, activated.Cpu);
        b.Gpu.GeluTanhMul(gateUp.Gpu, activated.Gpu);
        b.AssertClose(activated, "gelu-tanh-mul");
        b.Cpu.SiluMul(gateUp.Cpu, activated.Cpu);
        b.Gpu.SiluMul(gateUp.Gpu, activated.Gpu);
        b.AssertClose(activated, "silu-mul");

        var x = b.Random2D(7, 45);
        b.Cpu.Add(x.Cpu, activated.Cpu);
        b.Gpu.Add(x.Gpu, activated.Gpu);
        b.AssertClose(x, "add");

        b.BeginStep(Batches.Simple(7, logitRows: [6, 2, 2, 0]));
        var selected = b.Allocate(4, 45);
        b.Cpu.GatherLogitRows(x.Cpu, selected.Cpu);
        b.Gpu.GatherLogitRows(x.Gpu, selected.Gpu);
        b.AssertClose(selected, "gather rows", 1e-7);
    }

    /// <summary>LoRA deltas of adapters of different ranks on interleaved rows, into a column slice (as gate|up is).</summary>
    [Fact]
    public void AddLoraDeltas_MatchCpu()
    {
        var x = b.Random2D(9, 33);
        var output = b.Random2D(9, 50);
        var slice = (output.Cpu.Columns(7, 31), output.Gpu.Columns(7, 31));
        (int Rank, int[] Rows, float Scale)[] adapters = [(3, [0, 5, 2], 1.5f), (8, [6, 1, 8], -0.5f), (1, [4], 2f)];
        var weights = adapters.Select(a => (Down: b.Random2D(a.Rank, 33), Up: b.Random2D(a.Rank, 31))).ToArray();
        b.BeginStep(Batches.Simple(9));
        b.Cpu.AddLoraDeltas(x.Cpu, [.. adapters.Select((a, i) => new LoraDelta(weights[i].Down.Cpu, weights[i].Up.Cpu, a.Rows, a.Scale))], slice.Item1);
        b.Gpu.AddLoraDeltas(x.Gpu, [.. adapters.Select((a, i) => new LoraDelta(weights[i].Down.Gpu, weights[i].Up.Gpu, a.Rows, a.Scale))], slice.Item2);
        b.AssertClose(output, "lora deltas");
    }

    /// <summary>Gemma's scalar ops: the embedding scale, and soft-capping of values far beyond the cap on both sides.</summary>
    [Fact]
    public void Scale_SoftCap_MatchCpu()
    {
        var fused = b.Random2D(5, 40);
        var x = (fused.Cpu.Columns(3, 29), fused.Gpu.Columns(3, 29));   // a strided view
        b.Cpu.Scale(x.Item1, 7.5f);
        b.Gpu.Scale(x.Item2, 7.5f);
        b.AssertClose(fused, "scale");

        b.Cpu.SoftCap(x.Item1, 2.5f);
        b.Gpu.SoftCap(x.Item2, 2.5f);
        b.AssertClose(fused, "soft-cap");
    }

    [Fact]
    public void ArgMax_FirstIndexOfMaximum()
    {
        const int rows = 5, vocab = 1037;
        var host = b.RandomHost(rows, vocab, 10f);
        unsafe
        {
            var data = (float*)host.Data;
            data[1 * vocab + 500] = 50f;   // ties: the lowest index wins
            data[1 * vocab + 900] = 50f;
            data[2 * vocab + vocab - 1] = 60f;
            data[3 * vocab + 0] = 70f;
            for (int c = 0; c < vocab; c++) data[4 * vocab + c] = -1f;
        }
        var logits = b.Upload(host);
        var expected = new int[rows];
        var actual = new int[rows];
        var cpu = BackendPair.Download(b.Cpu, logits.Cpu);
        for (int r = 0; r < rows; r++) expected[r] = TensorPrimitives.IndexOfMax(cpu.AsSpan(r * vocab, vocab));
        b.Gpu.ArgMax(logits.Gpu, actual);
        Assert.Equal(expected, actual);
        Assert.Equal([500, vocab - 1, 0, 0], actual[1..]);
    }

    [Fact]
    public void Softmax_MatchesTensorPrimitives()
    {
        var logits = b.Random2D(3, 517, 8f);
        var host = BackendPair.Download(b.Cpu, logits.Cpu);
        for (int r = 0; r < 3; r++) TensorPrimitives.SoftMax(host.AsSpan(r * 517, 517), host.AsSpan(r * 517, 517));
        b.Gpu.Softmax(logits.Gpu);
        BackendPair.AssertClose(host, BackendPair.Download(b.Gpu, logits.Gpu), "softmax", 1e-5);
    }

    [Fact]
    public void ZeroRowSteps_AreNoOps()
    {
        var x = b.Gpu.Allocate(4, 8).FirstRows(0);
        var weight = b.Gpu.LoadMatrix(DType.F32, b.RandomHost(8, 8));
        b.Gpu.BeginStep(Batches.Simple(0));
        b.Gpu.MatMul(x, weight, null, b.Gpu.Allocate(4, 8).FirstRows(0));
        b.Gpu.GatherLogitRows(x, x);
        b.Gpu.ArgMax(x, []);
        b.Gpu.Download(x, []);
    }
}
