using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Loading;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// The reference (<see cref="CpuBackend"/>) and the ILGPU backend on ILGPU's CPU accelerator side by side: the
/// same host data goes into both, the same op runs on both, and the outputs are compared. The emulated device has
/// 4-lane warps and 16-thread groups (the engine's ilgpu-cpu default is 2 × 8; DeviceShapeTests runs 32-lane warps).
/// </summary>
public sealed class BackendPair : IDisposable
{
    public BackendPair()
        : this(new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu, CpuWarpSize = 4, CpuWarpsPerGroup = 4 }))
    {
    }

    private BackendPair(IlgpuBackend gpu) => Gpu = gpu;

    /// <summary>A pair whose ILGPU side emulates another device shape (e.g. 32-lane warps, as CUDA).</summary>
    public static BackendPair With(IlgpuBackendOptions options) => new(new IlgpuBackend(options));

    public CpuBackend Cpu { get; } = new(1);
    public IlgpuBackend Gpu { get; }
    public Random Random { get; } = new(12345);

    public (Tensor Cpu, Tensor Gpu) Upload(HostTensor data) => (Cpu.Upload(data), Gpu.Upload(data));

    public (Tensor Cpu, Tensor Gpu) Random2D(int rows, int cols, float scale = 1f) => Upload(RandomHost(rows, cols, scale));

    public (Tensor Cpu, Tensor Gpu) Allocate(int rows, int cols) => (Cpu.Allocate(rows, cols), Gpu.Allocate(rows, cols));

    public (Tensor Cpu, Tensor Gpu) LoadMatrix(DType storage, params HostTensor[] blocks) => (Cpu.LoadMatrix(storage, blocks), Gpu.LoadMatrix(storage, blocks));

    public void BeginStep(ForwardBatch batch)
    {
        Cpu.BeginStep(batch);
        Gpu.BeginStep(batch);
    }

    public unsafe HostTensor RandomHost(int rows, int cols, float scale = 1f, DType dtype = DType.F32)
    {
        var tensor = HostTensor.Allocate("random", dtype, [rows, cols]);
        for (long i = 0; i < (long)rows * cols; i++)
        {
            float value = scale * (2f * Random.NextSingle() - 1f);
            switch (dtype)
            {
                case DType.F32: ((float*)tensor.Data)[i] = value; break;
                case DType.F16: ((Half*)tensor.Data)[i] = (Half)value; break;
                default: ((ushort*)tensor.Data)[i] = BFloat16.FromSingle(value); break;
            }
        }
        return tensor;
    }

    public static float[] Download(IComputeBackend backend, Tensor tensor)
    {
        var host = new float[tensor.Rows * tensor.Cols];
        backend.Download(tensor, host);
        return host;
    }

    /// <summary>max |gpu − cpu| / max |cpu| below <paramref name="tolerance"/> (1e-4: F32 arithmetic in a different order).</summary>
    public void AssertClose((Tensor Cpu, Tensor Gpu) pair, string what, double tolerance = 1e-4)
    {
        var expected = Download(Cpu, pair.Cpu);
        var actual = Download(Gpu, pair.Gpu);
        AssertClose(expected, actual, what, tolerance);
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(Math.Abs(TensorPrimitives.MaxMagnitude(expected)), 1e-30f), worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"{what}: NaN at {i}");
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        Assert.True(worst / scale < tolerance, $"{what}: max abs error {worst:E3} vs max |value| {scale:E3} (relative {worst / scale:E3})");
    }

    public void Dispose()
    {
        Gpu.Dispose();
        Cpu.Dispose();
    }
}

/// <summary>One backend pair for every kernel test: ILGPU compiles each kernel once per accelerator, and the
/// emulator's threads are best not shared between test classes running at once.</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuCollection : ICollectionFixture<BackendPair>
{
    public const string Name = "ilgpu-cpu";
}
