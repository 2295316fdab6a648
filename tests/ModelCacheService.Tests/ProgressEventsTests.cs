using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>GET /api/models/pull/{id}/events streams progress at least every second and ends with the outcome.</summary>
/// <remarks>In the engine test's collection: the engine's compute threads would otherwise hold up this process's reading of the stream.</remarks>
[Collection(PulledStoriesCollection.Name)]
public sealed class ProgressEventsTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SlowDownload_SendsProgressAtLeastEverySecond_AndEndsWithCompleted()
    {
        fixture.Setup.Hub.Switches.ThrottleBytesPerSecond = 400_000; // model.safetensors takes ~2.6 s.
        var service = fixture.Setup.Service;
        var id = (await service.StartPullAsync("karpathy/stories260K")).GetProperty("id").GetString();

        var events = await ServerSentEvent.ReadAllAsync(service.Http, $"api/models/pull/{id}/events", TimeSpan.FromSeconds(30));

        Assert.Equal("completed", events[^1].Type);
        Assert.All(events[..^1], e => Assert.Equal("progress", e.Type));
        // Sent at least every second, by the server's clock (the event id, Unix ms)...
        var sentAt = events.Select(e => long.Parse(e.Id!)).ToList();
        var sendGaps = sentAt.Zip(sentAt.Skip(1), (a, b) => b - a).ToList();
        Assert.True(sendGaps.All(g => g is >= 0 and <= 1000), "gaps between sends (ms): " + string.Join(", ", sendGaps));
        // ...and received at that pace too, give or take this loaded test machine holding up our own reading.
        var arrivalGaps = events.Zip(events.Skip(1), (a, b) => b.ArrivedAfter - a.ArrivedAfter).ToList();
        Assert.True(arrivalGaps.All(g => g <= TimeSpan.FromSeconds(2.5)), "gaps between arrivals (s): " + string.Join(", ", arrivalGaps.Select(g => g.TotalSeconds.ToString("0.00"))));

        var done = events.Select(e => e.Data.GetProperty("bytes_done").GetInt64()).ToList();
        Assert.Equal(done.Order(), done); // Never goes back.
        var total = events[^1].Data.GetProperty("bytes_total").GetInt64();
        Assert.Equal(total, done[^1]);
        var midway = events.Where(e => e.Type == "progress" && e.Data.GetProperty("bytes_done").GetInt64() > 0 && e.Data.GetProperty("bytes_done").GetInt64() < total).ToList();
        Assert.True(midway.Count >= 3, $"only {midway.Count} events during the download");
        Assert.Contains(midway, e => e.Data.GetProperty("rate_bytes_per_second").GetDouble() > 0
            && e.Data.GetProperty("eta_seconds").ValueKind == System.Text.Json.JsonValueKind.Number);
    }

    [Fact]
    public async Task FailingPull_EventsEndWithFailed_AndTheError()
    {
        var service = fixture.Setup.Service;
        var id = (await service.StartPullAsync("karpathy/no-such-model")).GetProperty("id").GetString();

        var events = await ServerSentEvent.ReadAllAsync(service.Http, $"api/models/pull/{id}/events", TimeSpan.FromSeconds(30));

        Assert.Equal("failed", events[^1].Type);
        Assert.Equal("repo_not_found", events[^1].Data.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task EventsOfAnUnknownPull_Are404()
    {
        var (status, body) = await fixture.Setup.Service.SendAsync(HttpMethod.Get, "api/models/pull/pull_000000000000000000000000/events");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("pull_not_found", body.GetProperty("error").GetProperty("code").GetString());
    }
}
