using System.Globalization;
using System.Net;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Gateway__Routing=PrefixAffinity end to end: two real InferenceService replicas (the bundled stories260K, each with a
/// small KV cache).
/// </summary>
public sealed class PrefixAffinityTests : IClassFixture<PrefixAffinityTests.Replicas>
{
    private const string Model = "stories260K";
    private static readonly string[] Words =
        "the little girl saw a big red ball in the park and she was very happy so she ran to play with her friend".Split(' ');

    private readonly Replicas _replicas;

    public PrefixAffinityTests(Replicas replicas) => _replicas = replicas;

    public sealed class Replicas : IAsyncLifetime
    {
        public ServiceProcess R1 { get; private set; } = null!;
        public ServiceProcess R2 { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var replicas = await Task.WhenAll(Start("replica-1"), Start("replica-2"));
            (R1, R2) = (replicas[0], replicas[1]);
        }

        private static Task<ServiceProcess> Start(string name) => ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Name = name,
            Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--kv-cache-memory", "2560KiB"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });

        public async Task DisposeAsync()
        {
            await R1.DisposeAsync();
            await R2.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_hot_prefix_spills_to_the_other_replica_beyond_the_load_bound()
    {
        await using var gateway = await GatewayProcess.StartAsync("gateway-hot-prefix", [_replicas.R1.Url, _replicas.R2.Url], redis: null,
            new Dictionary<string, string> { ["Gateway__Routing"] = "PrefixAffinity", ["Gateway__PrefixAffinityLoadFactor"] = "1.5" });
        var key = await gateway.CreateKeyAsync("hot");

        // Twelve long streams of one prompt, each started once the one before it runs: at most ceil(1.5 × 12 / 2) = 9 on a replica.
        var before = await FinishedAsync();
        var streams = new List<(HttpResponseMessage Response, SseReader Events)>();
        for (var i = 0; i < 12; i++)
        {
            var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key.Secret,
                new { model = Model, prompt = SharedPrompt("Hot", 0), max_tokens = 150, ignore_eos = true, stream = true }), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = new SseReader(await response.Content.ReadAsStreamAsync());
            Assert.NotNull(await events.NextDataAsync());
            streams.Add((response, events));
        }
        foreach (var (response, events) in streams)
        {
            Assert.Equal("[DONE]", (await events.RestAsync()).LastOrDefault());
            response.Dispose();
        }
        var after = await FinishedAsync();
        var perReplica = new[] { after.R1 - before.R1, after.R2 - before.R2 };
        Assert.Equal(12, perReplica.Sum());
        Assert.True(perReplica.Max() <= 9, $"one replica took {perReplica.Max()} of the 12 streams of the hot prefix");
    }

    /// <summary>A long prompt (about 300 tokens), distinct from its first words.</summary>
    private static string SharedPrompt(string set, int index) =>
        $"{set} {index}. " + string.Join(' ', Enumerable.Range(0, 220).Select(i => Words[(i * (index + 3)) % Words.Length]));

    private async Task<(double R1, double R2)> FinishedAsync() =>
        (await ReplicaMetrics.SumAsync(_replicas.R1, "vllm:request_success_total"), await ReplicaMetrics.SumAsync(_replicas.R2, "vllm:request_success_total"));
}
