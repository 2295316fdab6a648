using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;

namespace GpuBench;

public static class Backends
{
    public static IComputeBackend Create(BenchArgs args) => args.Device switch
    {
        "cuda" => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cuda, GpuMemoryUtilization = args.GpuMemoryUtilization, UseCuBlas = !args.NoCuBlas }),
        "ilgpu-cpu" => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }),
        "cpu" => new CpuBackend(),
        var other => throw new ArgumentException($"--device '{other}': expected cuda, ilgpu-cpu or cpu."),
    };

    /// <summary>Waits for queued device work (the ILGPU backend launches asynchronously).</summary>
    public static void Synchronize(IComputeBackend backend)
    {
        if (backend is IlgpuBackend gpu) gpu.Synchronize();
    }
}
