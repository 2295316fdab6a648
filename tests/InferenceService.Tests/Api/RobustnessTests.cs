using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>Random abuse and abandoned streams leave the server healthy and its engine idle.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class RobustnessTests(InferenceServerFixture server)
{
    private static readonly RequestFuzz Fuzz = new(
    [
        ("v1/chat/completions", """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":8,"temperature":0.7,"top_p":0.9,"stop":["."],"n":1,"logprobs":true,"top_logprobs":2}"""),
        ("v1/completions", """{"model":"stories260K","prompt":"The cat","max_tokens":8,"temperature":0,"logprobs":2,"echo":true,"seed":3}"""),
        ("v1/completions", """{"prompt":[1,403,407],"max_tokens":6,"top_k":5,"min_p":0.1,"presence_penalty":0.5,"frequency_penalty":0.5,"repetition_penalty":1.1}"""),
        ("v1/chat/completions", """{"messages":[{"role":"system","content":"x"},{"role":"user","content":[{"type":"text","text":"Tom"}]}],"max_tokens":6,"stream":true,"stream_options":{"include_usage":true}}"""),
    ],
    ["max_tokens", "n", "stop", "logit_bias", "priority", "stop_token_ids", "bogus"],
    FuzzValues.All);

    [Fact]
    public async Task ThousandRandomMutations_NeverGet5xx_AndServerStaysHealthy()
    {
        var failures = await Fuzz.ServerErrorsAsync(server.BaseAddress, 1000, 20261123);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.Equal(200, (int)(await server.Http.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task HundredStreamingClientsDisconnecting_LeaveNoRunningRequest_AndKvCacheIdle()
    {
        double idleUsage = await server.MetricAsync("vllm:kv_cache_usage_perc");
        double generatedBefore = await server.MetricAsync("vllm:generation_tokens_total");   // the server is shared with other tests
        var clients = Enumerable.Range(0, 100).Select(async i =>
        {
            using var cts = new CancellationTokenSource();
            var body = JsonSerializer.Serialize(new
            {
                prompt = "Once upon a time", max_tokens = 400, ignore_eos = true, temperature = 1.0, stream = true,
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[64];
            await stream.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: true, cts.Token);   // mid-generation: the first chunk arrived
            cts.Cancel();                                 // and the client goes away
        });
        await Task.WhenAll(clients);

        await Poll.UntilAsync(async () =>
            await server.MetricAsync("vllm:num_requests_running") == 0 && await server.MetricAsync("vllm:kv_cache_usage_perc") == idleUsage,
            $"no running request and the KV cache usage back at {idleUsage}");
        Assert.Equal(0, await server.MetricAsync("vllm:num_requests_waiting"));
        Assert.True(await server.MetricAsync("vllm:generation_tokens_total") - generatedBefore < 100 * 400, "aborted streams must stop generating");
    }
}
