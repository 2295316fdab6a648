namespace InferenceService.Tests.Api;

/// <summary>
/// bench-serve's prefix-repetition workload (--prefix-len, --num-prefixes) reaches the server as meant: every prompt is a
/// shared prefix then tokens of its own, and every request after a prefix's first finds the prefix cached.
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class BenchServePrefixTests(InferenceServerFixture server)
{
    private const string Queries = "vllm:prefix_cache_queries_total", Hits = "vllm:prefix_cache_hits_total";

    [Fact]
    public async Task Each_prompt_is_one_of_the_shared_prefixes_then_its_own_tokens()
    {
        double queriesBefore = await server.Http.MetricAsync(Queries), hitsBefore = await server.Http.MetricAsync(Hits);
        // One at a time, so each prefix is cached by the time it comes again; 64 tokens are 4 full blocks of 16.
        var result = await ServiceCommand.RunAsync("InferenceService", ["bench-serve", "--base-url", server.BaseAddress.ToString(),
            "--num-prompts", "6", "--max-concurrency", "1", "--prefix-len", "64", "--num-prefixes", "2", "--input-len", "4", "--output-len", "2"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("input 4 after one of 2 shared prefixes of 64", result.Stdout);
        Assert.Contains("TTFT", result.Stdout);

        Assert.Equal(6 * (64 + 4), await server.Http.MetricAsync(Queries) - queriesBefore);
        // Each prefix's first request misses; with one or both prefixes drawn, 5 or 4 requests hit their 64 tokens.
        Assert.Contains(await server.Http.MetricAsync(Hits) - hitsBefore, new double[] { 4 * 64, 5 * 64 });
    }

    [Theory]
    [InlineData(new[] { "--num-prefixes", "2" }, "error: --num-prefixes needs --prefix-len and must be at least 1 (got 2).")]
    [InlineData(new[] { "--prefix-len", "8", "--num-prefixes", "0" }, "error: --num-prefixes needs --prefix-len and must be at least 1 (got 0).")]
    [InlineData(new[] { "--prefix-len", "-1" }, "error: --prefix-len must be at least 0 (got -1).")]
    public async Task Prefix_flags_that_make_no_workload_are_refused(string[] flags, string error)
    {
        var result = await ServiceCommand.RunAsync("InferenceService", ["bench-serve", "--base-url", server.BaseAddress.ToString(), .. flags]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(error + "\n", result.Stderr);
    }
}
