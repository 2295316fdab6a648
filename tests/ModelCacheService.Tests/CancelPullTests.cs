using System.Net;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>DELETE /api/models/pull/{id} stops a running pull: it ends "failed" with code "cancelled" and nothing is published.</summary>
[Collection(PulledStoriesCollection.Name)]
public sealed class CancelPullTests(ScenarioFixture fixture) : IClassFixture<ScenarioFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CancellingASlowPull_EndsItAsCancelled_AndASecondCancelIsAConflict()
    {
        fixture.Setup.Hub.Switches.ThrottleBytesPerSecond = 100_000;   // model.safetensors would take ~10 s
        var service = fixture.Setup.Service;
        var id = (await service.StartPullAsync("karpathy/stories260K")).GetProperty("id").GetString()!;
        await Poll.UntilAsync(async () => (await service.SendAsync(HttpMethod.Get, $"api/models/pull/{id}")).Body.GetProperty("status").GetString() == "downloading",
            "the pull to be downloading");

        var (status, body) = await service.SendAsync(HttpMethod.Delete, $"api/models/pull/{id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("failed", body.GetProperty("status").GetString());
        Assert.Equal("cancelled", body.GetProperty("error").GetProperty("code").GetString());
        Assert.False(Directory.Exists(Path.Combine(service.CacheDirectory, "models--karpathy--stories260K", "snapshots"))
            && Directory.EnumerateFiles(Path.Combine(service.CacheDirectory, "models--karpathy--stories260K", "snapshots"), "model.safetensors", SearchOption.AllDirectories).Any());

        (status, _) = await service.SendAsync(HttpMethod.Delete, $"api/models/pull/{id}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        (status, _) = await service.SendAsync(HttpMethod.Delete, "api/models/pull/pull_000000000000000000000000");
        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
