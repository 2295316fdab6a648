using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Core;

namespace InferenceService.Hosting;

/// <summary>--device: cpu (the engine's own CpuBackend), cuda (the ILGPU backend on the first CUDA GPU), ilgpu-cpu (the
/// ILGPU backend on ILGPU's CPU accelerator: an emulator, far slower than cpu, for checking kernels).</summary>
public static class BackendFactory
{
    private const string Cuda = "cuda";
    private const string IlgpuCpu = "ilgpu-cpu";
    private static readonly string[] Devices = [CpuBackend.DeviceName, Cuda, IlgpuCpu];

    public static string ParseDevice(string value)
    {
        var device = value.ToLowerInvariant();
        return Devices.Contains(device) ? device : throw new ArgumentException($"--device '{value}': expected {string.Join(", ", Devices)}.");
    }

    public static IComputeBackend Create(EngineOptions options) => options.Device switch
    {
        Cuda => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cuda, GpuMemoryUtilization = options.GpuMemoryUtilization }),
        IlgpuCpu => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }),
        _ => LlmEngine.DefaultBackend(options),
    };
}
