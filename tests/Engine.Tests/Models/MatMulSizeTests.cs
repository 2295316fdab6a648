using Engine.Backends.Cpu;
using Engine.Loading;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>The sizes bench's limits are computed from: the matmul weights a token multiplies, counted from the config,
/// agree with the bytes of the matrices the backend actually holds, for each stored type.</summary>
public sealed class MatMulSizeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatMulElements_CountsEveryProjectionAndTheLmHead(bool tied)
    {
        using var tiny = TinyModel.Create(hidden: 64, heads: 4, kvHeads: 2, intermediate: 96, vocab: 97, tied: tied);
        var config = ModelConfig.Load(tiny.Directory);
        // Per layer q 64x64, k and v 32x64 each, o 64x64, gate and up 96x64 each, down 64x96; lm_head 97x64 (tied or not).
        long perLayer = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 96 * 64;
        Assert.Equal(config.NumLayers * perLayer + 97 * 64, config.MatMulElements);
    }

    [Theory]
    [InlineData(DType.F32, 4.0)]
    [InlineData(DType.BF16, 2.0)]
    [InlineData(DType.Q8_0, 34.0 / 32)]
    public void MatMulWeightBytes_AreTheElementsAtTheStoredSize(DType storage, double bytesPerElement)
    {
        using var tiny = TinyModel.Create(hidden: 64, heads: 4, kvHeads: 2, intermediate: 96, vocab: 97, tied: false);
        using var backend = new CpuBackend(1);
        var model = storage.IsQuantized()
            ? ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32, quantization: storage)
            : ModelLoader.Load(tiny.Directory, backend, storage, false, 64, 32, 32);
        Assert.Equal((long)(model.Config.MatMulElements * bytesPerElement), model.MatMulWeightBytes);
    }
}
