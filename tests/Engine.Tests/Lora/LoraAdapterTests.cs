using Engine.Core;
using Engine.Lora;
using Engine.Tests.Core;

namespace Engine.Tests.Lora;

/// <summary>
/// Adapters the engine cannot apply exactly are refused with a message naming the adapter and the problem, whether loaded
/// at run time (the engine keeps serving) or given at start (the engine does not start).
/// </summary>
public sealed class LoraAdapterTests : IDisposable
{
    private readonly TinyModel _model = TinyModel.Create(vocab: 512, seed: 21).WithTokenizerOf(TestData.Stories260K);
    private readonly List<IDisposable> _created = [];

    public static TheoryData<string, string> BadAdapters() => new()
    {
        { "rank-too-large", "rank r=32 is more than --max-lora-rank 16" },
        { "unknown-target", "target module 'embed_tokens' is not supported" },
        { "shape-mismatch", "has shape [" },
        { "corrupt-safetensors", "not a valid safetensors file" },
        { "missing-config", "adapter_config.json is missing" },
        { "missing-weights", "adapter_model.safetensors is missing" },
        { "dora", "use_dora (DoRA) is not supported" },
        { "bias", "bias \"all\" is not supported" },
        { "modules-to-save", "modules_to_save (lm_head) is not supported" },
        { "lm-head-weights", "tensor 'base_model.model.lm_head.lora_A.weight' is not a LoRA A/B weight" },
        { "untargeted-weights", "which target_modules does not list" },
    };

    [Theory]
    [MemberData(nameof(BadAdapters))]
    public async Task BadAdapter_IsRefusedAtRunTime_AndTheEngineKeepsServing(string problem, string message)
    {
        using var engine = new LlmEngine(Options());
        var path = Bad(problem);
        var error = Assert.Throws<LoraAdapterException>(() => engine.Loras!.Load("bad", path));
        Assert.Contains("LoRA adapter 'bad'", error.Message);
        Assert.Contains(message, error.Message);
        Assert.Null(engine.Loras!.Find("bad"));
        Assert.NotEmpty(await EngineRun.Collect(engine.Add("after", [5, 6, 7], EngineRun.Greedy(4))));
    }

    [Fact]
    public void BadAdapter_InLoraModules_StopsTheEngineFromStarting()
    {
        var error = Assert.Throws<LoraAdapterException>(() => new LlmEngine(Options() with { LoraModules = [new LoraModule("bad", Bad("rank-too-large"))] }));
        Assert.Contains("LoRA adapter 'bad'", error.Message);
        Assert.Contains("--max-lora-rank 16", error.Message);
    }

    [Fact]
    public void LoadingANameTwice_IsRefused_UnloadingForgetsIt()
    {
        using var engine = new LlmEngine(Options());
        var good = Track(TinyLora.Create(_model)).Directory;
        engine.Loras!.Load("one", good);
        Assert.Contains("'one' has already been loaded", Assert.Throws<LoraAdapterException>(() => engine.Loras.Load("one", good)).Message);
        Assert.True(engine.Loras.Unload("one"));
        Assert.False(engine.Loras.Unload("one"));
        Assert.Null(engine.Loras.Find("one"));
        engine.Loras.Load("one", good);   // the name is free again
    }

    [Fact]
    public void AnAdapterWithoutEnableLora_IsRefused()
    {
        Assert.Contains("--enable-lora", Assert.Throws<ArgumentException>(() =>
            new LlmEngine(Options() with { EnableLora = false, LoraModules = [new LoraModule("a", "/nowhere")] })).Message);
    }

    private EngineOptions Options() => EngineRun.Options(o => o with { Model = _model.Directory, EnableLora = true });

    private string Bad(string problem)
    {
        if (problem == "shape-mismatch")
        {
            var other = Track(TinyModel.Create(hidden: 48, vocab: 512));
            return Track(TinyLora.Create(other)).Directory;
        }
        var adapter = Track(TinyLora.Create(_model, ["q_proj", "v_proj"], rank: problem == "rank-too-large" ? 32 : 4));
        string weights = Path.Combine(adapter.Directory, "adapter_model.safetensors");
        switch (problem)
        {
            case "unknown-target": adapter.Config["target_modules"] = new[] { "q_proj", "embed_tokens" }; break;
            case "corrupt-safetensors": File.WriteAllBytes(weights, [.. File.ReadAllBytes(weights).Take(40)]); break;
            case "missing-config": File.Delete(Path.Combine(adapter.Directory, "adapter_config.json")); return adapter.Directory;
            case "missing-weights": File.Delete(weights); break;
            case "dora": adapter.Config["use_dora"] = true; break;
            case "bias": adapter.Config["bias"] = "all"; break;
            case "modules-to-save": adapter.Config["modules_to_save"] = new[] { "lm_head" }; break;
            case "lm-head-weights":
                SafetensorsWriter.Write(weights, adapter.Weights.Select(w => new SafetensorsWriter.Entry(w.Key, adapter.Shapes[w.Key], w.Value))
                    .Append(new SafetensorsWriter.Entry("base_model.model.lm_head.lora_A.weight", [4, 32], new float[128])), Engine.Loading.DType.F32);
                break;
            case "untargeted-weights": adapter.Config["target_modules"] = new[] { "q_proj" }; break;
        }
        adapter.WriteConfig();
        return adapter.Directory;
    }

    private T Track<T>(T disposable) where T : IDisposable
    {
        _created.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        foreach (var item in _created) item.Dispose();
        _model.Dispose();
    }
}
