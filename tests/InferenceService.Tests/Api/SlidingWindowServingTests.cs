using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Engine.Core;
using Engine.Sampling;

namespace InferenceService.Tests.Api;

/// <summary>
/// A real server over a model with a 256-token sliding window in every layer, and a KV cache of 40 blocks of 16 — room for
/// 640 tokens: a 4000-token streamed generation runs to the end with /metrics' KV usage flat once the window has filled,
/// and its text is the greedy generation the naive windowed forward confirms token by token.
/// </summary>
public sealed class SlidingWindowServingTests
{
    private const int Window = 256, BlockSize = 16, Blocks = 40, Generated = 4000;
    private static readonly long KvBytes = Blocks * SlidingWindowModel.KvBytesPerBlock(BlockSize);

    [Fact]
    public async Task A_4000_token_generation_holds_KV_usage_flat_and_equals_the_naive_windowed_reference()
    {
        using var model = SlidingWindowModel.Create(Window, maxPositions: 4608);
        string[] flags = ["--max-model-len", "4400", "--block-size", $"{BlockSize}", "--max-num-batched-tokens", "64", "--max-num-seqs", "4",
            "--kv-cache-memory", $"{KvBytes}", "--threads", "1"];
        await using var server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--model", model.Directory, "--served-model-name", "window", .. flags],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        var prompt = Enumerable.Range(0, 40).Select(i => 3 + i * 11 % 500).ToArray();

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions")
        {
            Content = JsonContent.Create(new { model = "window", prompt, max_tokens = Generated, ignore_eos = true, temperature = 0, stream = true }),
        };
        // /metrics is read over and over while the request runs, apart from the stream (which the server runs ahead of): a
        // reading counts if the window had filled before it (tokens generated so far, read first) and the request was still
        // running after it.
        using var generating = new CancellationTokenSource();
        var readings = Task.Run(async () =>
        {
            var usages = new List<double>();
            while (!generating.IsCancellationRequested)
            {
                double generated = await server.Http.MetricAsync("vllm:generation_tokens_total");
                double usage = await server.Http.MetricAsync("vllm:kv_cache_usage_perc");
                if (prompt.Length + generated > 2 * Window && await server.Http.MetricAsync("vllm:num_requests_running") == 1) usages.Add(usage);
            }
            return usages;
        });
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var text = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            using var chunk = JsonDocument.Parse(line["data: ".Length..]);
            text.Append(chunk.RootElement.GetProperty("choices")[0].GetProperty("text").GetString());
        }
        await generating.CancelAsync();
        var usageAfterWindow = await readings;

        Assert.True(usageAfterWindow.Count >= 5, $"{usageAfterWindow.Count} readings");
        // The window's 16 blocks, the block being written and the one the window starts in: at most 18 of 40, at every reading.
        Assert.All(usageAfterWindow, usage => Assert.InRange(usage * Blocks, 1, Window / BlockSize + 2));

        // The same greedy generation in process, checked against the naive forward, detokenized by the server.
        var ids = await GreedyInProcess(model, prompt);
        SlidingWindowModel.AssertGreedyMatchesNaive(model, prompt, ids);
        using var detokenized = await server.Http.PostAsJsonAsync("detokenize", new { tokens = ids });
        var expected = (await detokenized.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prompt").GetString()!;
        Assert.Equal(expected.TrimStart(), text.ToString().TrimStart());
    }

    private static async Task<List<int>> GreedyInProcess(TinyModel model, int[] prompt)
    {
        using var engine = new LlmEngine(new EngineOptions
        {
            Model = model.Directory, MaxModelLen = 4400, BlockSize = BlockSize, MaxNumBatchedTokens = 64, MaxNumSeqs = 4, KvCacheMemory = KvBytes,
        });
        var seq = engine.Add("reference", prompt, new SamplingParams { Temperature = 0, MaxTokens = Generated, IgnoreEos = true });
        var ids = new List<int>();
        await foreach (var output in seq.Output.Reader.ReadAllAsync()) ids.Add(output.TokenId);
        return ids;
    }
}
