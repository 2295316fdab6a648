using System.Net;
using System.Net.Http.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// /metrics' prefix-cache counters move by what each request should add: every admitted prompt's length to the queries, and
/// to the hits the tokens of the full blocks (--block-size 16) it shares with a cached prompt, short of its last token, which
/// is always recomputed for its logits.
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class PrefixCacheMetricsTests(InferenceServerFixture server)
{
    private const string Queries = "vllm:prefix_cache_queries_total", Hits = "vllm:prefix_cache_hits_total";

    [Fact]
    public async Task The_counters_move_by_the_prompt_length_and_the_cached_full_blocks()
    {
        // Token ids no other test sends (3..511: past <unk>, <s> and </s>), three full blocks.
        var random = new Random(Guid.NewGuid().GetHashCode());
        int[] prompt = [.. Enumerable.Range(0, 48).Select(_ => random.Next(3, 512))];
        int[] sharesOneBlock = [.. prompt[..16], .. prompt[16..].Select(id => id == 511 ? 3 : id + 1)];

        await AssertDeltasAsync(prompt, queries: 48, hits: 0);            // new: nothing cached
        await AssertDeltasAsync(prompt, queries: 48, hits: 32);           // all three blocks cached, the third holds the last token
        await AssertDeltasAsync(sharesOneBlock, queries: 48, hits: 16);   // only the first block is the same
    }

    private async Task AssertDeltasAsync(int[] prompt, int queries, int hits)
    {
        double queriesBefore = await server.Http.MetricAsync(Queries), hitsBefore = await server.Http.MetricAsync(Hits);
        using var response = await server.Http.PostAsJsonAsync("v1/completions", new { prompt, max_tokens = 1 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(queries, await server.Http.MetricAsync(Queries) - queriesBefore);
        Assert.Equal(hits, await server.Http.MetricAsync(Hits) - hitsBefore);
    }
}
