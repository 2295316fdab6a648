using System.Text.Json;
using Engine.Backends.Ilgpu;
using Engine.Core;
using Engine.Sampling;

namespace Engine.Backends.Ilgpu.Tests;

/// <summary>
/// The whole engine on the ILGPU backend (--device ilgpu-cpu): stories260K's greedy continuations equal those of
/// llama2.c's run.c (an independent C implementation), one request at a time and all three at once with a token
/// budget small enough to mix prefill chunks and decodes in one step. Greedy steps take the device argmax path.
/// </summary>
public class StoriesGreedyTests
{
    public sealed record Reference(string Prompt, int[] PromptTokenIds, List<int> GreedyTokenIds);

    public static List<Reference> References()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("models", "stories260K", "reference-greedy.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Reference(
            c.GetProperty("prompt").GetString()!,
            c.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("greedy_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToList())).ToList();
    }

    public static TheoryData<int> Cases() => new(Enumerable.Range(0, References().Count));

    private static LlmEngine Engine(int maxBatchedTokens) => new(
        new EngineOptions { Model = TestData.Path("models", "stories260K"), MaxNumSeqs = 4, MaxNumBatchedTokens = maxBatchedTokens, MaxModelLen = 128, Device = "ilgpu-cpu" },
        new IlgpuBackend(new IlgpuBackendOptions { Device = IlgpuDevice.Cpu }));

    private static async Task<List<int>> Collect(Sequence seq)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(cts.Token)) ids.Add(output.TokenId);
        return ids;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Greedy_EqualsLlama2c(int index)
    {
        var reference = References()[index];
        using var engine = Engine(64);
        var seq = engine.Add("r", reference.PromptTokenIds, new SamplingParams { Temperature = 0, MaxTokens = reference.GreedyTokenIds.Count });
        Assert.Equal(reference.GreedyTokenIds, await Collect(seq));
    }

    [Fact]
    public async Task ConcurrentGreedy_WithChunkedPrefill_EqualsLlama2c()
    {
        using var engine = Engine(7);
        var references = References();
        var running = references.Select((r, i) =>
        {
            var seq = engine.Add($"r{i}", r.PromptTokenIds, new SamplingParams { Temperature = 0, MaxTokens = 24 });
            return (Ids: Collect(seq), Expected: r.GreedyTokenIds.Take(24).ToList());
        }).ToList();
        foreach (var (ids, expected) in running) Assert.Equal(expected, await ids);
    }
}
