namespace Engine.Backends.Ilgpu;

/// <summary>Where the ILGPU backend runs: a CUDA GPU, or ILGPU's CPU accelerator (an emulator, for tests only).</summary>
public enum IlgpuDevice
{
    Cuda,
    Cpu,
}

public sealed record IlgpuBackendOptions
{
    public IlgpuDevice Device { get; init; } = IlgpuDevice.Cuda;

    /// <summary>--gpu-memory-utilization: the fraction of the device memory still free once the model is loaded that the KV cache may take.</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;

    /// <summary>On CUDA, run matmuls with more than <see cref="MatVecMaxRows"/> rows through cuBLAS when libcublas is found (else the tiled kernel).</summary>
    public bool UseCuBlas { get; init; } = true;

    /// <summary>Matmuls with at most this many rows (decode steps) use the weight-streaming matvec kernel.</summary>
    public int MatVecMaxRows { get; init; } = 8;

    /// <summary>CPU accelerator only: threads per emulated warp and warps per group. Each emulated thread is an OS
    /// thread and every warp shuffle or group barrier a rendezvous among them, so small groups run fastest: 2 lanes are
    /// about 4× faster than 4 on stories260K, and one warp per group about 30× faster than 8 in a quantized prefill.
    /// The kernel tests also run groups of several 4- and 32-lane warps, which take the cross-warp paths.</summary>
    public int CpuWarpSize { get; init; } = 2;

    public int CpuWarpsPerGroup { get; init; } = 1;

    /// <summary>CUDA device index.</summary>
    public int DeviceIndex { get; init; }
}
