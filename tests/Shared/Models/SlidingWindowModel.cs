namespace Tests.Shared;

/// <summary>
/// A tiny Mistral-shaped model with a sliding window in every layer and a context far longer than the window (stories260K's
/// tokenizer, so servers can load it), and the check that a greedy generation is the naive windowed forward's argmax at
/// every position (teacher forcing: one naive pass over prompt + output, instead of a naive generation per token).
/// </summary>
public static class SlidingWindowModel
{
    public static TinyModel Create(int window, int maxPositions) =>
        TinyModel.Create(modelType: "mistral", hidden: 32, heads: 4, kvHeads: 1, layers: 2, intermediate: 48, vocab: 512, seed: 31,
            maxPositions: maxPositions, extraConfig: new Dictionary<string, object> { ["sliding_window"] = window })
        .WithTokenizerOf(TestData.Stories260K);

    /// <summary>KV-cache bytes of one block of <see cref="Create"/>'s model: 2 layers × K and V × slots × 1 KV head × head size 8
    /// × 4 bytes.</summary>
    public static long KvBytesPerBlock(int blockSize) => 2 * 2 * blockSize * 1 * 8 * 4;

    /// <summary>Asserts each generated token is the naive reference's argmax after the tokens before it, wherever the naive
    /// top two are apart by more than float noise.</summary>
    public static void AssertGreedyMatchesNaive(TinyModel model, IReadOnlyList<int> prompt, IReadOnlyList<int> generated)
    {
        var all = prompt.Concat(generated).ToArray();
        var logits = NaiveLlama.Forward(model, all[..^1]);
        int decided = 0;
        for (int i = 0; i < generated.Count; i++)
        {
            var row = logits[prompt.Count - 1 + i];
            var order = row.Select((v, id) => (v, id)).OrderByDescending(x => x.v).ToArray();
            if (order[0].v - order[1].v <= 1e-4 * Math.Abs(order[0].v)) continue;
            Assert.True(order[0].id == generated[i], $"generated token {i}: {generated[i]}, the naive reference's argmax {order[0].id}");
            decided++;
        }
        Assert.True(decided > generated.Count * 9 / 10, $"only {decided} of {generated.Count} positions had a clear argmax");
    }
}
