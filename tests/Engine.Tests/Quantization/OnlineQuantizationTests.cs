using Engine.Backends.Cpu;
using Engine.Loading;
using Engine.Models;
using Engine.Tests.Models;

namespace Engine.Tests.Quantization;

/// <summary>--quantization on safetensors weights: every weight matrix (embedding and output too) is quantized at
/// load, the logits stay near the F32 reference (within what the type's precision allows), and shapes whose rows are
/// not whole blocks fail clearly naming the weight.</summary>
public sealed class OnlineQuantizationTests
{
    [Theory]
    [InlineData(DType.Q8_0, 0.02)]
    [InlineData(DType.Q4_0, 0.15)]
    [InlineData(DType.Q4_K, 0.15)]
    public void QuantizedModel_StaysNearTheNaiveReference(DType type, double tolerance)
    {
        using var tiny = TinyModel.Create(hidden: 256, heads: 4, kvHeads: 2, intermediate: 512, vocab: 97, tied: false);
        var tokens = Enumerable.Range(0, 9).Select(i => (i * 13 + 1) % tiny.Vocab).ToArray();
        var expected = NaiveLlama.Forward(tiny, tokens);
        using var backend = new CpuBackend(2);
        var model = ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32, quantization: type);
        Assert.Equal(type.ToString(), model.WeightTypes);
        var logits = PromptLogitsProbe.Run(model, backend, tokens);
        for (int t = 0; t < tokens.Length; t++)
        {
            double scale = expected[t].Max(Math.Abs), worst = 0;
            for (int i = 0; i < tiny.Vocab; i++) worst = Math.Max(worst, Math.Abs(expected[t][i] - logits[t][i]));
            Assert.True(worst <= tolerance * scale, $"{type} position {t}: {worst} vs max |logit| {scale}");
        }
    }

    [Fact]
    public void RowsThatAreNotWholeBlocks_FailNamingTheWeight()
    {
        using var tiny = TinyModel.Create(hidden: 48, heads: 4, kvHeads: 2, intermediate: 64);
        using var backend = new CpuBackend(1);
        var error = Assert.Throws<NotSupportedException>(() => ModelLoader.Load(tiny.Directory, backend, null, false, 64, 32, 32, quantization: DType.Q8_0));
        Assert.Contains("'model.embed_tokens.weight' has rows of 48 weights, not a multiple of the Q8_0 block size 32", error.Message);
    }
}
