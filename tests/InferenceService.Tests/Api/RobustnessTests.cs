using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>Random abuse and abandoned streams leave the server healthy and its engine idle.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class RobustnessTests(InferenceServerFixture server)
{
    private static readonly string[] Seeds =
    [
        """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":8,"temperature":0.7,"top_p":0.9,"stop":["."],"n":1,"logprobs":true,"top_logprobs":2}""",
        """{"model":"stories260K","prompt":"The cat","max_tokens":8,"temperature":0,"logprobs":2,"echo":true,"seed":3}""",
        """{"prompt":[1,403,407],"max_tokens":6,"top_k":5,"min_p":0.1,"presence_penalty":0.5,"frequency_penalty":0.5,"repetition_penalty":1.1}""",
        """{"messages":[{"role":"system","content":"x"},{"role":"user","content":[{"type":"text","text":"Tom"}]}],"max_tokens":6,"stream":true,"stream_options":{"include_usage":true}}""",
    ];

    private static readonly JsonNode?[] Values =
    [
        null, true, false, 0, -1, 1, 2, 3.5, -1e9, 1e12, 99999999999, "", "x", "stories260K", "user", new JsonArray(),
        new JsonArray(1, 2), new JsonArray("a"), new JsonObject(), new JsonObject { ["role"] = "user" }, 0.5, "\u0000", "😀",
    ];

    [Fact]
    public async Task ThousandRandomMutations_NeverGet5xx_AndServerStaysHealthy()
    {
        var random = new Random(20261123);
        var failures = new List<string>();
        var requests = Enumerable.Range(0, 1000).Select(i => Mutate(random, i)).ToList();
        using var gate = new SemaphoreSlim(8);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };   // a loaded CI machine is slow
        await Task.WhenAll(requests.Select(async r =>
        {
            await gate.WaitAsync();
            try
            {
                using var content = new ByteArrayContent(r.Body);
                content.Headers.ContentType = new("application/json");
                using var response = await http.PostAsync(r.Path, content);
                var text = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode >= 500)
                    lock (failures) failures.Add($"{(int)response.StatusCode} {r.Path} {Encoding.UTF8.GetString(r.Body)} -> {text}");
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.Equal(200, (int)(await server.Http.GetAsync("health")).StatusCode);
    }

    private static (string Path, byte[] Body) Mutate(Random random, int i)
    {
        var seed = Seeds[i % Seeds.Length];
        string path = seed.Contains("messages") ? "v1/chat/completions" : "v1/completions";
        if (random.Next(10) == 0) path = random.Next(2) == 0 ? "tokenize" : "detokenize";
        var bytes = Encoding.UTF8.GetBytes(seed);
        switch (random.Next(4))
        {
            case 0:   // flip or drop bytes
                var list = bytes.ToList();
                for (int k = random.Next(1, 4); k > 0 && list.Count > 0; k--)
                {
                    int at = random.Next(list.Count);
                    if (random.Next(2) == 0) list[at] = (byte)random.Next(256); else list.RemoveAt(at);
                }
                return (path, list.ToArray());
            case 1:   // truncate
                return (path, bytes[..random.Next(bytes.Length)]);
            default:  // replace, delete or add fields with values of random types
                var node = JsonNode.Parse(seed)!.AsObject();
                var names = node.Select(p => p.Key).Concat(["max_tokens", "n", "stop", "logit_bias", "priority", "stop_token_ids", "bogus"]).ToList();
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    var name = names[random.Next(names.Count)];
                    if (random.Next(4) == 0) node.Remove(name);
                    else node[name] = Values[random.Next(Values.Length)]?.DeepClone();
                }
                // Keep valid runs short (a chat without max_tokens would fill the whole context).
                if (node["max_tokens"] is null || (node["max_tokens"] is JsonValue v && v.TryGetValue(out double m) && m > 64)) node["max_tokens"] = 64;
                return (path, Encoding.UTF8.GetBytes(node.ToJsonString()));
        }
    }

    [Fact]
    public async Task HundredStreamingClientsDisconnecting_LeaveNoRunningRequest_AndKvCacheIdle()
    {
        double idleUsage = await server.MetricAsync("vllm:kv_cache_usage_perc");
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

        double running = -1, usage = -1;
        for (int attempt = 0; attempt < 100; attempt++)
        {
            running = await server.MetricAsync("vllm:num_requests_running");
            usage = await server.MetricAsync("vllm:kv_cache_usage_perc");
            if (running == 0 && usage == idleUsage) break;
            await Task.Delay(100);
        }
        Assert.Equal(0, running);
        Assert.Equal(0, await server.MetricAsync("vllm:num_requests_waiting"));
        Assert.Equal(idleUsage, usage);
        Assert.True(await server.MetricAsync("vllm:generation_tokens_total") < 100 * 400, "aborted streams must stop generating");
    }
}
