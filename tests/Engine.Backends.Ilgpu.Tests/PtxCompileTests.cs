using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Engine.Backends.Ilgpu.Kernels;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// The CUDA path without a GPU: ILGPU's PTX backend compiles every kernel the backend launches (each weight format)
/// for Hopper (sm_90, the H100/H200) and Ampere (sm_80), PTX ISA 8.0. ILGPU's capability context writes the lowest
/// .target the kernel needs (sm_80), which the driver JIT-compiles for the actual device at load time; that last step
/// (ptxas: registers, shared memory limits) is what only a GPU machine checks.
/// </summary>
public class PtxCompileTests
{
    public static TheoryData<string> Kernels() => new(KernelCatalog.All().Select(k => k.Name));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_CompilesToPtx(string name)
    {
        var method = KernelCatalog.All().Single(k => k.Name == name).Method;
        using var context = Context.Create(builder => builder.EnableAlgorithms());
        foreach (var (arch, number) in new[] { (CudaArchitecture.SM_90, 90), (CudaArchitecture.SM_80, 80) })
        {
            using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, CudaInstructionSet.ISA_80, null);
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
            var ptx = compiled.PTXAssembly;
            Assert.Contains(".entry", ptx, StringComparison.Ordinal);
            Assert.Contains(".version 8.0", ptx, StringComparison.Ordinal);
            // ILGPU writes the lowest target the kernel's features need (sm_80 here); the driver JIT-compiles it for the device.
            var target = System.Text.RegularExpressions.Regex.Match(ptx, @"\.target sm_(\d+)");
            Assert.True(target.Success && int.Parse(target.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= number, $"{name}: .target for sm_{number}");
        }
    }
}
