using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// The graceful drain end to end: two real InferenceService replicas (the bundled stories260K) behind a real gateway, a
/// replica stopped with SIGTERM as Kubernetes stops a pod.
/// </summary>
public sealed partial class GracefulDrainTests
{
    private const string Model = "stories260K";
    private const int Streams = 32;

    [Fact]
    public async Task A_replica_given_SIGTERM_finishes_its_streams_while_the_gateway_sends_new_requests_elsewhere()
    {
        await using var r1 = await StartReplicaAsync("replica-1");
        await using var r2 = await StartReplicaAsync("replica-2");
        await using var gateway = await GatewayProcess.StartAsync("gateway-drain", [r1.Url, r2.Url], redis: null);
        var streamsKey = await gateway.CreateKeyAsync("streams");
        var afterKey = await gateway.CreateKeyAsync("after-sigterm");

        // Long streams, all admitted (running) before the signal.
        var streams = Enumerable.Range(0, Streams).Select(_ => StreamToEndAsync(gateway, streamsKey.Secret)).ToList();
        await Poll.UntilAsync(async () => await ReceivedAsync(r1) + await ReceivedAsync(r2) == Streams && await UnfinishedAsync(r2) > 0,
            "all 32 streams received by the replicas and some still running on replica-2");

        r2.Process.Terminate();
        await Poll.UntilAsync(async () =>
        {
            using var health = await r2.Http.GetAsync("health");
            return health.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "replica-2's /health to answer 503 after SIGTERM");
        Assert.True(await UnfinishedAsync(r2) > 0, "replica-2 had finished its streams when its /health turned 503: nothing was drained");

        // New requests while replica-2 drains: all served by replica-1 (at most one was refused by replica-2 first, unread).
        for (var i = 0; i < 8; i++)
        {
            using var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", afterKey.Secret,
                new { model = Model, prompt = "Once upon a time", max_tokens = 4 }));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        foreach (var (status, last) in await Task.WhenAll(streams))
            Assert.True(status == HttpStatusCode.OK && last == "[DONE]", $"a stream ended with {(int)status}, last event {last}");
        Assert.True(await r2.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), "replica-2 did not exit after draining");
        Assert.True(r2.Process.ExitCode == 0, r2.Process.Describe());

        var after = await AccessLogAsync(gateway, afterKey.Name, 8);
        Assert.All(after, line => Assert.Equal(("200", "inference-0"), (line.Status, line.Replica)));
        Assert.True(after.Sum(line => line.Attempts - 1) <= 1, string.Join('\n', after));
    }

    [Fact]
    public async Task A_rolling_restart_of_both_replicas_under_steady_load_loses_no_request()
    {
        var replicas = new[] { await StartReplicaAsync("replica-1"), await StartReplicaAsync("replica-2") };
        try
        {
            // A replica out of rotation is tried again soon after it is back, so the second restart finds the first one serving.
            await using var gateway = await GatewayProcess.StartAsync("gateway-rolling", replicas.Select(r => r.Url).ToList(), redis: null,
                new Dictionary<string, string> { ["Gateway__PassiveReactivationPeriod"] = "00:00:02" });
            var key = await gateway.CreateKeyAsync("steady");

            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(_ => SteadyLoadAsync(gateway, key.Secret, stop.Token)).ToList();
            for (var i = 0; i < replicas.Length; i++)
            {
                replicas[i].Process.Terminate();
                Assert.True(await replicas[i].Process.WaitForExitAsync(TimeSpan.FromSeconds(60)), $"{replicas[i].Process.Name} did not exit");
                await replicas[i].DisposeAsync();
                // The same address again, as a restarted pod behind its Service.
                replicas[i] = ServiceProcess.Start("InferenceService", replicas[i].BaseAddress.Port, ReplicaOptions($"replica-{i + 1}"));
                await replicas[i].WaitHealthyAsync(TimeSpan.FromSeconds(120));
                await gateway.Service.WaitHealthyAsync(TimeSpan.FromSeconds(60), health => GatewayHealth.ReplicasReady(health, 2));
            }
            await stop.CancelAsync();

            var outcomes = (await Task.WhenAll(load)).SelectMany(o => o).ToList();
            Assert.True(outcomes.Count > 0);
            var failed = outcomes.Where(o => o != "200").ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} requests failed: {string.Join("; ", failed.Distinct())}");
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    private static ServiceOptions ReplicaOptions(string name) => new()
    {
        Name = name,
        Args = port => ["--port", port.ToString(CultureInfo.InvariantCulture), "--shutdown-timeout", "300", "--threads", "1"],
        BindWithAspNetCoreUrls = false,
        HealthTimeout = TimeSpan.FromSeconds(120),
    };

    private static Task<ServiceProcess> StartReplicaAsync(string name) => ServiceProcess.StartAsync("InferenceService", ReplicaOptions(name));

    /// <summary>A long streamed completion through the gateway, read to its end: its status and last event.</summary>
    private static async Task<(HttpStatusCode Status, string? Last)> StreamToEndAsync(GatewayProcess gateway, string key)
    {
        using var request = OpenAiRequests.Post("v1/completions", key,
            new { model = Model, prompt = "Once upon a time", max_tokens = 100, ignore_eos = true, stream = true });
        using var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, await response.Content.ReadAsStringAsync());
        var events = await new SseReader(await response.Content.ReadAsStreamAsync()).RestAsync();
        return (response.StatusCode, events.LastOrDefault());
    }

    /// <summary>Completions one after another until stopped: each one's status (or the exception that ended it).</summary>
    private static async Task<List<string>> SteadyLoadAsync(GatewayProcess gateway, string key, CancellationToken stop)
    {
        var outcomes = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await gateway.Http.SendAsync(OpenAiRequests.Post("v1/completions", key,
                    new { model = Model, prompt = "Once upon a time", max_tokens = 16 }));
                var body = await response.Content.ReadAsStringAsync();
                outcomes.Add(response.StatusCode == HttpStatusCode.OK ? "200" : $"{(int)response.StatusCode} {body}");
            }
            catch (HttpRequestException error)
            {
                outcomes.Add(error.Message);
            }
        }
        return outcomes;
    }

    /// <summary>The replica's requests running or waiting, from its /metrics.</summary>
    private static async Task<double> UnfinishedAsync(ServiceProcess replica) =>
        await ReplicaMetrics.SumAsync(replica, "vllm:num_requests_running") + await ReplicaMetrics.SumAsync(replica, "vllm:num_requests_waiting");

    /// <summary>The replica's requests running, waiting or finished, from its /metrics.</summary>
    private static async Task<double> ReceivedAsync(ServiceProcess replica) =>
        await UnfinishedAsync(replica) + await ReplicaMetrics.SumAsync(replica, "vllm:request_success_total");

    /// <summary>The gateway's access-log lines of the key's requests, once there are <paramref name="count"/>.</summary>
    private static async Task<List<(string Status, string Replica, int Attempts)>> AccessLogAsync(GatewayProcess gateway, string keyName, int count)
    {
        List<(string Status, string Replica, int Attempts)> lines = [];
        await Poll.UntilAsync(() =>
        {
            lines = AccessLogLine().Matches(gateway.Process.Output).Where(m => m.Groups["key"].Value == keyName)
                .Select(m => (m.Groups["status"].Value, m.Groups["replica"].Value, int.Parse(m.Groups["attempts"].Value, CultureInfo.InvariantCulture)))
                .ToList();
            return Task.FromResult(lines.Count >= count);
        }, $"{count} access-log lines of key {keyName}");
        return lines;
    }

    [GeneratedRegex(@"POST /v1/completions (?<status>\d+) \S+ key=(?<key>\S+) model=\S+ replica=(?<replica>\S+) attempts=(?<attempts>\d+)")]
    private static partial Regex AccessLogLine();
}
