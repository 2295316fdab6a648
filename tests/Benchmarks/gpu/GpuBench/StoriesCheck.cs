using System.Text.Json;
using Engine.Core;
using Engine.Sampling;

namespace GpuBench;

/// <summary>stories260K greedy on the device through the whole engine equals llama2.c's reference ids (every case).</summary>
public static class StoriesCheck
{
    public static async Task<bool> RunAsync(BenchArgs args, string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "reference-greedy.json")));
        var cases = json.RootElement.GetProperty("cases").EnumerateArray().Select(c => (
            Prompt: c.GetProperty("prompt").GetString()!,
            Ids: c.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            Expected: c.GetProperty("greedy_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToList())).ToList();
        using var engine = new LlmEngine(new EngineOptions { Model = folder, MaxNumSeqs = 8, MaxModelLen = 256, Device = args.Device }, Backends.Create(args));
        bool all = true;
        // One at a time, then all at once (mixed prefill and decode steps).
        foreach (var c in cases)
        {
            var got = await Collect(engine.Add(c.Prompt, c.Ids, new SamplingParams { Temperature = 0, MaxTokens = c.Expected.Count }));
            bool ok = got.SequenceEqual(c.Expected);
            all &= ok;
            Console.WriteLine($"  stories260K greedy \"{c.Prompt}\": {(ok ? "PASS" : "FAIL")} ({got.Count} tokens{(ok ? "" : $"; first difference at {FirstDifference(got, c.Expected)}")})");
        }
        var together = cases.Select(c => (c.Expected, Ids: Collect(engine.Add(c.Prompt + " (batched)", c.Ids, new SamplingParams { Temperature = 0, MaxTokens = c.Expected.Count })))).ToList();
        foreach (var (expected, ids) in together) all &= (await ids).SequenceEqual(expected);
        Console.WriteLine($"  stories260K greedy, all {cases.Count} prompts batched: {(all ? "PASS" : "FAIL")}");
        return all;
    }

    private static int FirstDifference(List<int> a, List<int> b) => Enumerable.Range(0, Math.Min(a.Count, b.Count)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Count, b.Count));

    private static async Task<List<int>> Collect(Sequence seq)
    {
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync()) ids.Add(output.TokenId);
        return ids;
    }
}
