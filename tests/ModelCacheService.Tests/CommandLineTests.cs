using System.Text.Json;
using ModelCacheService.Tests.Infrastructure;

namespace ModelCacheService.Tests;

/// <summary>
/// The service's command line is strict: a misspelt flag (which .NET's configuration would take silently) ends it with
/// exit code 2 naming the closest known flag. Its real settings, ModelCache:* and huggingface_hub's names, are taken.
/// </summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "--ModelCache:MaxParalelDownloads", "2" }, "--ModelCache:MaxParalelDownloads", "--ModelCache:MaxParallelDownloads")]
    [InlineData(new[] { "--HF_TOKN=hf_x" }, "--HF_TOKN", "--HF_TOKEN")]
    [InlineData(new[] { "--HF_HUB_OFLINE", "1" }, "--HF_HUB_OFLINE", "--HF_HUB_OFFLINE")]
    [InlineData(new[] { "--ModelCache__MaxRetries", "1" }, "--ModelCache__MaxRetries", "--ModelCache:MaxRetries")]
    public Task UnknownFlag_NamesTheClosestKnownFlag(string[] args, string typed, string closest) =>
        CommandLineAssert.RefusedAsync("ModelCacheService", args, $"unknown flag {typed} (did you mean {closest}?)");

    [Fact]
    public async Task RealFlags_AreTaken()
    {
        using var cache = new TempDirectory();
        await using var service = await ServiceProcess.StartAsync("ModelCacheService", new ServiceOptions
        {
            Args = _ =>
            [
                "--HF_HUB_CACHE", cache.Path, "--HF_ENDPOINT=http://127.0.0.1:1", "--HF_HUB_OFFLINE", "1", "--ModelCache:MaxRetries", "0",
                "--ModelCache:AttemptTimeout", "00:00:05", "--Logging:LogLevel:Default", "Warning",
            ],
        });
        // The cache folder came from the command line.
        using var usage = JsonDocument.Parse(await service.Http.GetStringAsync("api/cache/usage"));
        Assert.Equal(cache.Path, usage.RootElement.GetProperty("cache_dir").GetString());
    }
}
