using Engine.Tests.Models;
using Engine.Backends;
using Engine.Core;
using Engine.Sampling;

namespace Engine.Tests.Core;

/// <summary>Helpers to run the real engine on stories260K and collect its outputs.</summary>
public static class EngineRun
{
    public static EngineOptions Options(Func<EngineOptions, EngineOptions>? change = null)
    {
        var options = new EngineOptions { Model = TestData.Path("models", "stories260K"), MaxNumBatchedTokens = 512, MaxNumSeqs = 64, Seed = 1 };
        return change is null ? options : change(options);
    }

    public static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens };

    public static async Task<List<int>> Collect(Sequence seq, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync(cts.Token)) ids.Add(output.TokenId);
        return ids;
    }

    public static List<ReferenceCase> References => ReferenceCase.LoadAll();

    /// <summary>Every --kv-cache-dtype, for engine behaviour that must not depend on it.</summary>
    public static TheoryData<KvCacheDType> KvCacheDTypes() => new(Enum.GetValues<KvCacheDType>());
}
