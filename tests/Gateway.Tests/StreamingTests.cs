using System.Net;
using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>Streams pass through the gateway unbuffered.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class StreamingTests(SharedCluster cluster)
{
    [Fact]
    public async Task The_first_chunk_arrives_before_the_last_is_produced()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("streaming");
        // The backend sends one chunk, then produces nothing more until released: if the gateway buffered the
        // stream, the first chunk could never arrive.
        using var request = OpenAiRequests.Chat(key.Secret, SharedCluster.ModelB, stream: true, includeUsage: true, maxTokens: 3, holdAfterChunks: 1);
        var id = OpenAiRequests.RequestId(request);
        using var response = await cluster.Gateway2.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var backend = cluster.Backends.Single(b => b.Name == OpenAiRequests.BackendOf(response));
        var events = new SseReader(await response.Content.ReadAsStreamAsync());

        using var firstChunkTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = await events.NextDataAsync(firstChunkTimeout.Token);
        Assert.Equal("t0 ", Content(first!));

        await backend.ReleaseAsync(id);
        var rest = await events.RestAsync();
        Assert.Equal(["t1 ", "t2 "], rest.Take(2).Select(Content));
        Assert.Equal(5, JsonDocument.Parse(rest[2]).RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("[DONE]", rest[^1]);
        Assert.Equal(4, rest.Count);
    }

    private static string Content(string data) =>
        JsonDocument.Parse(data).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!;
}
