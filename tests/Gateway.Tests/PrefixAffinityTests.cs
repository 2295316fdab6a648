using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// Gateway__Routing=PrefixAffinity end to end: two real InferenceService replicas (the bundled stories260K, each with a
/// small KV cache), and the acceptance workload of 8 distinct 1k-token prompt prefixes on replicas of a long-context model.
/// </summary>
public sealed class PrefixAffinityTests : IClassFixture<PrefixAffinityTests.Replicas>
{
    private const string Model = "stories260K";
    private static readonly string[] Words =
        "the little girl saw a big red ball in the park and she was very happy so she ran to play with her friend".Split(' ');

    private readonly Replicas _replicas;
    private readonly ITestOutputHelper _output;

    public PrefixAffinityTests(Replicas replicas, ITestOutputHelper output) => (_replicas, _output) = (replicas, output);

    private static readonly Dictionary<string, string> Affinity = new() { ["Gateway__Routing"] = "PrefixAffinity" };

    /// <summary>The placement tests' prefixes are 60 words (over 256 characters) and their questions differ after them.</summary>
    private static readonly Dictionary<string, string> ShortPrefixAffinity = new(Affinity) { ["Gateway__PrefixAffinityChars"] = "256" };

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

    /// <summary>
    /// Twelve streams of one prompt, each started once the one before it runs, through a gateway with load factor 1.5: at
    /// most ceil(1.5 × 12 / 2) = 9 on a replica. The streams must all still run when the last one starts, so they go to two
    /// replicas of a long-context tiny model and ask for far more tokens than the test waits for; the requests each replica
    /// holds are read from its running and waiting gauges, and then the streams are dropped (the replicas abort them).
    /// </summary>
    [Fact]
    public async Task A_hot_prefix_spills_to_the_other_replica_beyond_the_load_bound()
    {
        using var model = TinyModel.Create(vocab: 512, maxPositions: MaxHotTokens, seed: 29).WithTokenizerOf(TestData.Stories260K);
        var replicas = await Task.WhenAll(StartLongContext("hot-1", model, MaxHotTokens, "64MiB"), StartLongContext("hot-2", model, MaxHotTokens, "64MiB"));
        var streams = new List<(HttpResponseMessage Response, SseReader Events)>();
        try
        {
            await using var gateway = await GatewayProcess.StartAsync("gateway-hot-prefix", [.. replicas.Select(r => r.Url)], redis: null,
                new Dictionary<string, string>(Affinity) { ["Gateway__PrefixAffinityLoadFactor"] = "1.5" });
            var key = await gateway.CreateKeyAsync("hot");
            for (var i = 0; i < 12; i++)
            {
                var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key.Secret,
                    new { model = LongModel, prompt = SharedPrompt("Hot", 0), max_tokens = MaxHotTokens - 1024, ignore_eos = true, stream = true }),
                    HttpCompletionOption.ResponseHeadersRead);
                streams.Add((response, new SseReader(await response.Content.ReadAsStreamAsync())));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.NotNull(await streams[^1].Events.NextDataAsync());
            }
            var held = await Task.WhenAll(replicas.Select(async r =>
                await ReplicaMetrics.SumAsync(r, "vllm:num_requests_running") + await ReplicaMetrics.SumAsync(r, "vllm:num_requests_waiting")));
            _output.WriteLine($"requests per replica: {string.Join('/', held)}");
            Assert.True(held.Sum() == 12, $"the replicas hold {string.Join('/', held)} requests: a stream ended before the last one started");
            Assert.True(held.Max() <= 9, $"one replica took {held.Max()} of the 12 streams of the hot prefix");

            foreach (var (response, _) in streams) response.Dispose();
            streams.Clear();
            await Poll.UntilAsync(async () => (await SumAsync(replicas, "vllm:num_requests_running")).Sum() == 0, "the replicas to abort the dropped streams");
        }
        finally
        {
            foreach (var (response, _) in streams) response.Dispose();
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    /// <summary>Far more tokens than the streams produce while the test starts them (413 among all of them, in one run here):
    /// no stream can end before the last one has started.</summary>
    private const int MaxHotTokens = 32768;

    [Theory]
    [InlineData("--Gateway:PrefixAffinityTtl", "00:00:00", "error: Gateway:PrefixAffinityTtl must be positive (got 00:00:00).")]
    [InlineData("--Gateway:PrefixAffinityMaxPrefixes", "0", "error: Gateway:PrefixAffinityMaxPrefixes must be at least 1 (got 0).")]
    public async Task Bad_placement_settings_stop_the_gateway_with_an_error_naming_the_setting(string flag, string value, string error)
    {
        var result = await ServiceCommand.RunAsync("Gateway", ["--Gateway:Routing", "PrefixAffinity", flag, value]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(error, result.Stderr.TrimEnd('\n'));
    }

    /// <summary>
    /// Two gateways sharing one redis-server, requests alternating between them: every prefix is served by one replica
    /// whichever gateway it comes through, and the 8 prefixes are split 4/4 (placement balances prefixes, not only requests).
    /// </summary>
    [Fact]
    public async Task Two_gateways_sharing_Redis_place_each_prefix_on_the_same_replica_and_split_8_prefixes_4_4()
    {
        await using var redis = await RedisServer.StartAsync();
        var replicaUrls = new[] { _replicas.R1.Url, _replicas.R2.Url };
        await using var first = await GatewayProcess.StartAsync("gateway-shared-1", replicaUrls, redis, ShortPrefixAffinity);
        await using var second = await GatewayProcess.StartAsync("gateway-shared-2", replicaUrls, redis, ShortPrefixAffinity);
        var key = await first.CreateKeyAsync("shared");   // in Redis: valid at both gateways

        var placed = await PlaceAsync([first, second], key.Secret, "shared");
        Assert.Equal([4, 4], placed.Values.CountBy(r => r).Select(c => c.Value).Order().ToArray());
    }

    /// <summary>Without Redis a gateway places prefixes by itself, just as evenly and as stably.</summary>
    [Fact]
    public async Task Without_Redis_one_gateway_places_each_prefix_on_one_replica_and_splits_8_prefixes_4_4()
    {
        await using var gateway = await GatewayProcess.StartAsync("gateway-alone", [_replicas.R1.Url, _replicas.R2.Url], redis: null, ShortPrefixAffinity);
        var key = await gateway.CreateKeyAsync("alone");

        var placed = await PlaceAsync([gateway], key.Secret, "alone");
        Assert.Equal([4, 4], placed.Values.CountBy(r => r).Select(c => c.Value).Order().ToArray());
    }

    /// <summary>Sends 8 random prefixes (seed printed) three times, one request at a time: all through the first gateway, then
    /// in reverse order through the last (which, on its own, would place them its own way), then taking turns; asserts each
    /// prefix was served by one replica every time and returns it.</summary>
    private async Task<Dictionary<string, string>> PlaceAsync(GatewayProcess[] gateways, string key, string set)
    {
        var seed = Random.Shared.Next();
        _output.WriteLine($"prefixes of seed {seed}");
        var random = new Random(seed);
        var prefixes = Enumerable.Range(0, 8).Select(i => RandomText($"{set} {i}.", 60, random)).ToArray();
        (string Prefix, GatewayProcess Gateway)[][] rounds =
        [
            [.. prefixes.Select(p => (p, gateways[0]))],
            [.. prefixes.Reverse().Select(p => (p, gateways[^1]))],
            [.. prefixes.Select((p, i) => (p, gateways[i % gateways.Length]))],
        ];
        var placed = new Dictionary<string, string>();
        for (var round = 0; round < rounds.Length; round++)
            foreach (var (prefix, gateway) in rounds[round])
            {
                var replica = await ServedByAsync(gateway, key, $"{prefix} Question {round}:");
                Assert.True(placed.GetValueOrDefault(prefix, replica) == replica,
                    $"seed {seed}: prefix {Array.IndexOf(prefixes, prefix)} went to {placed.GetValueOrDefault(prefix)} first, then to {replica} through {gateway.Name}");
                placed[prefix] = replica;
            }
        return placed;
    }

    /// <summary>Which replica (its URL) served the completion: the one whose count of finished requests went up.</summary>
    private async Task<string> ServedByAsync(GatewayProcess gateway, string key, string prompt)
    {
        var before = await FinishedAsync();
        using var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key, new { model = Model, prompt, max_tokens = 1 }));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var after = before;
        await Poll.UntilAsync(async () => (after = await FinishedAsync()) != before, "a replica to count the request as finished");
        Assert.Equal(1, after.R1 - before.R1 + after.R2 - before.R2);
        return after.R1 > before.R1 ? _replicas.R1.Url : _replicas.R2.Url;
    }

    /// <summary>
    /// Two replicas, 8 distinct prefixes of about 1k tokens drawn at random for each run (the seed is printed; set
    /// PREFIX_AFFINITY_SEED to replay one), 200 requests in random order (each prefix then a question of its own), two at
    /// a time: the replicas' prefix-cache hit rate is at least 90 % with PrefixAffinity and above what the default policy
    /// (least outstanding requests) gets. Each replica's KV cache holds about 6 of the prefixes: the 4 that placement gives
    /// it, not all 8. The hit rate is vLLM's, over all prompt tokens: a request of a cached prefix still
    /// misses its own question and the prefix's last, partial block (never cached), and each prefix's first request on
    /// a replica misses whole — with ~300-token prefixes those cost ~17 %, with ~1k-token prefixes ~5 %.
    /// At two requests in flight the load bound never passes a replica over (ceil(1.25 × 2 / 2) = 2).
    /// </summary>
    [Fact]
    public async Task With_8_long_prefixes_affinity_hits_the_prefix_cache_at_least_90_percent_and_more_than_the_default_policy()
    {
        using var model = TinyModel.Create(vocab: 512, maxPositions: 2048, seed: 23).WithTokenizerOf(TestData.Stories260K);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PREFIX_AFFINITY_SEED"), out var replay) ? replay : Random.Shared.Next();
        _output.WriteLine($"PREFIX_AFFINITY_SEED={seed}");
        var random = new Random(seed);
        var replicas = await Task.WhenAll(StartLongContext("long-1", model, 2048, "1700KiB"), StartLongContext("long-2", model, 2048, "1700KiB"));
        try
        {
            var affinity = await HitRateAsync(replicas, "affinity", random, Affinity);
            var byLoad = await HitRateAsync(replicas, "least-requests", random, new Dictionary<string, string>());
            _output.WriteLine($"affinity: {affinity}\ndefault policy: {byLoad}");
            Assert.True(affinity.Rate >= 0.90, $"PREFIX_AFFINITY_SEED={seed}: affinity: {affinity}; default policy: {byLoad}");
            Assert.True(affinity.Rate > byLoad.Rate, $"PREFIX_AFFINITY_SEED={seed}: affinity: {affinity}; default policy: {byLoad}");
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    private sealed record CacheUse(double Hits, double Queries, double[] RequestsPerReplica)
    {
        public double Rate => Hits / Queries;

        public override string ToString() =>
            $"hit rate {Rate:P1} ({Hits} of {Queries} prompt tokens), requests per replica {string.Join('/', RequestsPerReplica)}";
    }

    /// <summary>A replica serving <paramref name="model"/> as <see cref="LongModel"/>. The hit-rate test's 2048 leave 8 blocks'
    /// worth of room after its ~1,040 prompt tokens for the question and the answer.</summary>
    private static Task<ServiceProcess> StartLongContext(string name, TinyModel model, int maxModelLen, string kvCacheMemory) => ServiceProcess.StartAsync("InferenceService", new ServiceOptions
    {
        Name = name,
        Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--model", model.Directory, "--served-model-name", LongModel,
            "--max-model-len", maxModelLen.ToString(CultureInfo.InvariantCulture), "--kv-cache-memory", kvCacheMemory, "--seed", "0"],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
        HttpTimeout = TimeSpan.FromMinutes(2),
    });

    private const string LongModel = "tiny-long";

    /// <summary>The workload through a gateway with <paramref name="settings"/>, its prefixes and order drawn from <paramref name="random"/>
    /// and named after <paramref name="set"/> (so that the two runs share nothing cached).</summary>
    private static async Task<CacheUse> HitRateAsync(ServiceProcess[] replicas, string set, Random random, Dictionary<string, string> settings)
    {
        await using var gateway = await GatewayProcess.StartAsync("gateway-" + set, replicas.Select(r => r.Url).ToList(), redis: null, settings);
        var key = await gateway.CreateKeyAsync(set);
        var prefixes = Enumerable.Range(0, 8).Select(i => RandomText($"{set} {i}.", 800, random)).ToArray();
        var tokens = await PromptTokensAsync(replicas[0], prefixes[0]);
        Assert.InRange(tokens, 900, 1200);

        var requests = Enumerable.Range(0, 200).Select(i => (Prefix: prefixes[i % 8], Question: i)).OrderBy(_ => random.Next()).ToList();
        double[] hitsBefore = await SumAsync(replicas, "vllm:prefix_cache_hits_total"), queriesBefore = await SumAsync(replicas, "vllm:prefix_cache_queries_total"),
            doneBefore = await SumAsync(replicas, "vllm:request_success_total");
        using var inFlight = new SemaphoreSlim(2);
        await Task.WhenAll(requests.Select(async request =>
        {
            await inFlight.WaitAsync();
            try
            {
                using var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key.Secret, new
                {
                    model = LongModel, prompt = $"{request.Prefix} Question {request.Question}: what did they do next?", max_tokens = 2, temperature = 0,
                }));
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
            finally
            {
                inFlight.Release();
            }
        }));
        double[] hits = await SumAsync(replicas, "vllm:prefix_cache_hits_total"), queries = await SumAsync(replicas, "vllm:prefix_cache_queries_total"),
            done = await SumAsync(replicas, "vllm:request_success_total");
        return new CacheUse(hits.Sum() - hitsBefore.Sum(), queries.Sum() - queriesBefore.Sum(), [.. done.Select((d, i) => d - doneBefore[i])]);
    }

    private static async Task<double[]> SumAsync(ServiceProcess[] replicas, string metric) =>
        await Task.WhenAll(replicas.Select(r => ReplicaMetrics.SumAsync(r, metric)));

    private static async Task<int> PromptTokensAsync(ServiceProcess replica, string prompt)
    {
        using var response = await replica.Http.PostAsJsonAsync("tokenize", new { model = LongModel, prompt });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32();
    }

    /// <summary>A prompt of <paramref name="words"/> random words after <paramref name="start"/> (800 words: about 1k tokens).</summary>
    private static string RandomText(string start, int words, Random random) =>
        start + " " + string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    /// <summary>A long prompt (about 300 tokens), distinct from its first words.</summary>
    private static string SharedPrompt(string set, int index) =>
        $"{set} {index}. " + string.Join(' ', Enumerable.Range(0, 220).Select(i => Words[(i * (index + 3)) % Words.Length]));

    private async Task<(double R1, double R2)> FinishedAsync() =>
        (await ReplicaMetrics.SumAsync(_replicas.R1, "vllm:request_success_total"), await ReplicaMetrics.SumAsync(_replicas.R2, "vllm:request_success_total"));
}
