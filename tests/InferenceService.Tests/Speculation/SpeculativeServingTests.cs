using System.Net.Http.Json;
using System.Text.Json;
using InferenceService.Tests.Api;

namespace InferenceService.Tests.Speculation;

/// <summary>The real server started with an n-gram --speculative-config: greedy completions of every stories260K reference
/// prompt are llama2.c's text, and /metrics counts the drafts, their tokens and the accepted ones.</summary>
public sealed class SpeculativeServingTests(SpeculativeServingTests.Server server) : IClassFixture<SpeculativeServingTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public ServiceProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", InferenceServerFixture.TestData("models", "stories260K"), "--max-model-len", "256",
                "--speculative-config", """{"method":"ngram","num_speculative_tokens":4,"prompt_lookup_max":3,"prompt_lookup_min":1}"""],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }

    [Fact]
    public async Task GreedyCompletions_AreTheReferences_AndMetricsCountTheDrafts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(InferenceServerFixture.TestData("models", "stories260K", "reference-greedy.json")));
        var http = server.Process.Http;
        foreach (var reference in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            var prompt = reference.GetProperty("prompt_token_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            int maxTokens = reference.GetProperty("greedy_token_ids").GetArrayLength();
            using var response = await http.PostAsJsonAsync("v1/completions", new { prompt, max_tokens = maxTokens, temperature = 0 });
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(response.IsSuccessStatusCode, body.ToString());
            Assert.Equal(reference.GetProperty("greedy_text").GetString(), body.GetProperty("choices")[0].GetProperty("text").GetString()!.TrimStart());
            Assert.Equal(maxTokens, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        }
        double drafts = await http.MetricAsync("vllm:spec_decode_num_drafts_total");
        double draftTokens = await http.MetricAsync("vllm:spec_decode_num_draft_tokens_total");
        double accepted = await http.MetricAsync("vllm:spec_decode_num_accepted_tokens_total");
        Assert.True(drafts > 0 && draftTokens >= drafts, $"{drafts} drafts of {draftTokens} tokens");
        Assert.True(accepted > 0 && accepted < draftTokens, $"{accepted} of {draftTokens} draft tokens accepted");
        Assert.Equal(0, await http.MetricAsync("vllm:kv_cache_usage_perc"));
    }
}
