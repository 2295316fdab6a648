using Engine.Backends;
using Engine.Core;
using Engine.Loading;
using Engine.Tests.Core;

namespace Engine.Tests.KvCacheDTypes;

/// <summary>
/// --kv-cache-dtype auto follows the weights the engine runs: F32 matrices keep the exact F32 cache, BF16 and quantized
/// ones get a BF16 cache (as vLLM's auto follows the model dtype, and llama.cpp keeps F16); a named type is kept as given.
/// What the engine chose is checked in its allocation too: the same memory holds twice the blocks of an F32 cache.
/// </summary>
public class AutoKvCacheDTypeTests
{
    private static string Gguf(string name) => TestData.Path("models", "quant-tiny-gguf", name);

    public static TheoryData<string, KvCacheDType> Models() => new()
    {
        { "f32", KvCacheDType.Float32 },
        { "bf16", KvCacheDType.BFloat16 },
        { "bf16 --dtype float32", KvCacheDType.Float32 },
        { "f32 --quantization q8_0", KvCacheDType.BFloat16 },
        { "f32 --quantization q4_k", KvCacheDType.BFloat16 },
        { "qtiny-Q4_0.gguf", KvCacheDType.BFloat16 },
        { "qtiny-Q4_K_M.gguf", KvCacheDType.BFloat16 },
        { "stories260K.gguf", KvCacheDType.Float32 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Auto_FollowsTheWeights(string model, KvCacheDType expected)
    {
        using var tiny = TinyModel.Create(hidden: 256, intermediate: 512, vocab: 512, dtype: model.StartsWith("bf16", StringComparison.Ordinal) ? DType.BF16 : DType.F32, seed: 5)
            .WithTokenizerOf(TestData.Stories260K);
        var options = model switch
        {
            "stories260K.gguf" => new EngineOptions { Model = TestData.Path("models", "stories260K-gguf", model) },
            _ when model.EndsWith(".gguf", StringComparison.Ordinal) => new EngineOptions { Model = Gguf(model) },
            _ => new EngineOptions
            {
                Model = tiny.Directory,
                DType = model.EndsWith("--dtype float32", StringComparison.Ordinal) ? DType.F32 : null,
                Quantization = model.Contains("--quantization", StringComparison.Ordinal) ? DTypeInfo.ParseQuantization(model.Split(' ')[^1]) : null,
            },
        };
        options = options with { MaxModelLen = 64, MaxNumSeqs = 4 };
        using var auto = new LlmEngine(options);
        Assert.Equal(expected, auto.KvCacheDType);

        // The cache really is of that type: in the memory an F32 cache's 40 blocks take, it holds 40 or 80.
        var c = auto.Config;
        long memory = 40 * KvCache.BytesPerBlock(c.NumLayers, options.BlockSize, c.NumKvHeads, c.HeadDim, KvCacheDType.Float32);
        using var sized = new LlmEngine(options with { KvCacheMemory = memory });
        Assert.Equal(40 * 4 / expected.ElementBytes(), sized.Snapshot().TotalBlocks);
    }

    [Theory]
    [InlineData(KvCacheDType.Float32)]
    [InlineData(KvCacheDType.Fp8E4M3)]
    public void ANamedType_IsKept_WhateverTheWeights(KvCacheDType named)
    {
        using var engine = new LlmEngine(new EngineOptions { Model = Gguf("qtiny-Q8_0.gguf"), MaxModelLen = 64, MaxNumSeqs = 4, KvCacheDType = named });
        Assert.Equal(named, engine.KvCacheDType);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("auto", null)]
    [InlineData("AUTO", null)]
    [InlineData("float32", KvCacheDType.Float32)]
    [InlineData("bfloat16", KvCacheDType.BFloat16)]
    [InlineData("fp8", KvCacheDType.Fp8E4M3)]
    [InlineData("fp8_e5m2", KvCacheDType.Fp8E5M2)]
    public void TheFlag_ParsesAutoAsUnresolved(string? flag, KvCacheDType? expected) => Assert.Equal(expected, Backends.KvCacheDTypes.Parse(flag));
}
