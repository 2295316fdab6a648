using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Backends.Ilgpu;
using Engine.Core;

namespace InferenceService.Hosting;

/// <summary>--device: cpu (CpuBackend), cuda (the ILGPU backend on the first CUDA GPU), ilgpu-cpu (the ILGPU
/// backend on ILGPU's CPU accelerator: an emulator, far slower than cpu, for checking kernels).</summary>
public static class BackendFactory
{
    public static readonly string[] Devices = ["cpu", "cuda", "ilgpu-cpu"];

    public static string ParseDevice(string? value)
    {
        var device = string.IsNullOrEmpty(value) ? "cpu" : value.ToLowerInvariant();
        return Devices.Contains(device) ? device : throw new ArgumentException($"--device '{value}': expected {string.Join(", ", Devices)}.");
    }

    public static IComputeBackend Create(EngineOptions options) => ParseDevice(options.Device) switch
    {
        "cuda" => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cuda, GpuMemoryUtilization = options.GpuMemoryUtilization }),
        "ilgpu-cpu" => new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }),
        _ => new CpuBackend(options.Threads),
    };
}
