using Engine.Backends;
using Engine.Backends.Ilgpu;
using Engine.Loading;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// The reductions and tiles depend on the warp and group size. The other tests emulate small warps (4 lanes, fast
/// on the emulator); this one runs the warp-dependent kernels with CUDA's 32-lane warps and 4-warp groups.
/// </summary>
public class DeviceShapeTests
{
    [Fact]
    public void WarpDependentKernels_With32LaneWarps_MatchCpu()
    {
        using var b = BackendPair.With(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu, CpuWarpSize = 32, CpuWarpsPerGroup = 4 });
        // matvec (n ≤ 8) and tiled (n > 8) matmuls, BF16 weights with a bias.
        foreach (int n in new[] { 3, 19 })
        {
            var weight = b.LoadMatrix(DType.BF16, b.RandomHost(70, 45, 0.5f, DType.BF16));
            var x = b.Random2D(n, 45);
            var bias = b.Random2D(1, 70);
            var output = b.Allocate(n, 70);
            b.Cpu.MatMul(x.Cpu, weight.Cpu, bias.Cpu, output.Cpu);
            b.Gpu.MatMul(x.Gpu, weight.Gpu, bias.Gpu, output.Gpu);
            b.AssertClose(output, $"matmul n={n}, 32-lane warps");
        }

        var rows = b.Random2D(3, 200, 2f);
        var normWeight = b.Random2D(1, 200);
        var normed = b.Allocate(3, 200);
        b.Cpu.RmsNorm(rows.Cpu, normWeight.Cpu, 1e-5f, normed.Cpu);
        b.Gpu.RmsNorm(rows.Gpu, normWeight.Gpu, 1e-5f, normed.Gpu);
        b.AssertClose(normed, "rmsnorm, 32-lane warps");

        var ids = new int[3];
        b.Gpu.ArgMax(rows.Gpu, ids);
        var host = BackendPair.Download(b.Cpu, rows.Cpu);
        for (int r = 0; r < 3; r++) Assert.Equal(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(host.AsSpan(r * 200, 200)), ids[r]);

        var shape = new AttentionShape(8, 2, 16);
        var cache = (Cpu: b.Cpu.AllocateKvCache(1, 8, 8, 2, 16), Gpu: b.Gpu.AllocateKvCache(1, 8, 8, 2, 16));
        int[][] tables = [[3, 0, 6, 5, 1, -1], [7, 2, -1, -1, -1, -1]];
        b.BeginStep(Batches.Simple(64));
        var stale = b.Random2D(64, 64);
        b.Cpu.WriteKv(stale.Cpu.Columns(0, 32), stale.Cpu.Columns(32, 32), cache.Cpu, 0);
        b.Gpu.WriteKv(stale.Gpu.Columns(0, 32), stale.Gpu.Columns(32, 32), cache.Gpu, 0);
        var batch = Batches.Paged(8, tables, (0, 37), (0, 9));
        b.BeginStep(batch);
        var qkv = b.Random2D(batch.TokenCount, 128 + 64);
        var attended = b.Allocate(batch.TokenCount, 128);
        b.Cpu.WriteKv(qkv.Cpu.Columns(128, 32), qkv.Cpu.Columns(160, 32), cache.Cpu, 0);
        b.Gpu.WriteKv(qkv.Gpu.Columns(128, 32), qkv.Gpu.Columns(160, 32), cache.Gpu, 0);
        b.Cpu.Attention(qkv.Cpu.Columns(0, 128), cache.Cpu, 0, shape, attended.Cpu);
        b.Gpu.Attention(qkv.Gpu.Columns(0, 128), cache.Gpu, 0, shape, attended.Gpu);
        b.AssertClose(attended, "attention, 32-lane warps");
    }
}
