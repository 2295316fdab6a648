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

    public static TheoryData<string> Flaws() => new(TinyLora.Flaws.Keys);

    [Theory]
    [MemberData(nameof(Flaws))]
    public async Task FlawedAdapter_IsRefusedAtRunTime_AndTheEngineKeepsServing(string flaw)
    {
        using var engine = new LlmEngine(Options());
        using var adapter = TinyLora.Flawed(_model, flaw);
        var error = Assert.Throws<LoraAdapterException>(() => engine.Loras!.Load(new LoraModule("bad", adapter.Directory)));
        Assert.Contains("LoRA adapter 'bad'", error.Message);
        Assert.Contains(TinyLora.Flaws[flaw], error.Message);
        Assert.Null(engine.Loras!.Find("bad"));
        Assert.NotEmpty(await EngineRun.Collect(engine.Add("after", [5, 6, 7], EngineRun.Greedy(4))));
    }

    [Fact]
    public void FlawedAdapter_InLoraModules_StopsTheEngineFromStarting()
    {
        using var adapter = TinyLora.Flawed(_model, "rank-too-large");
        var error = Assert.Throws<LoraAdapterException>(() => new LlmEngine(Options() with { LoraModules = [new LoraModule("bad", adapter.Directory)] }));
        Assert.Contains("LoRA adapter 'bad'", error.Message);
        Assert.Contains(TinyLora.Flaws["rank-too-large"], error.Message);
    }

    [Fact]
    public void LoadingANameTwice_IsRefused_UnloadingForgetsIt()
    {
        using var engine = new LlmEngine(Options());
        using var adapter = TinyLora.Create(_model);
        var module = new LoraModule("one", adapter.Directory);
        engine.Loras!.Load(module);
        Assert.Contains("'one' has already been loaded", Assert.Throws<LoraAdapterException>(() => engine.Loras.Load(module)).Message);
        Assert.True(engine.Loras.Unload("one"));
        Assert.False(engine.Loras.Unload("one"));
        Assert.Null(engine.Loras.Find("one"));
        engine.Loras.Load(module);   // the name is free again
    }

    [Fact]
    public void LoraModulesWithoutEnableLora_AreRefused()
    {
        Assert.Contains("--enable-lora", Assert.Throws<ArgumentException>(() =>
            new LlmEngine(Options() with { EnableLora = false, LoraModules = [new LoraModule("a", "/nowhere")] })).Message);
    }

    private EngineOptions Options() => EngineRun.Options(o => o with { Model = _model.Directory, EnableLora = true });

    public void Dispose() => _model.Dispose();
}
