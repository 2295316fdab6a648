using System.Net;
using System.Text;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// The gateway reads a request body once, with one set of rules (no comments, no duplicate keys: 400, never a 500), and
/// decides the vLLM priority a request runs at: a client's own is removed unless its key has a min_priority, and is
/// never more urgent than that.
/// </summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RequestBodyRulesTests(SharedCluster cluster)
{
    private const string Messages = "\"messages\":[{\"role\":\"user\",\"content\":\"word word\"}]";

    [Theory]
    [InlineData("""{"model":"model-a","model":"model-b",""" + Messages + ""","stream":true}""")]
    [InlineData("""{"model":"model-a","model":"model-b",""" + Messages + "}")]
    [InlineData("""{"model":"model-a", /* a comment */ """ + Messages + ""","stream":true}""")]
    [InlineData("""{"model":"model-a",""" + Messages + """,}""")]
    public async Task A_body_with_duplicate_keys_comments_or_trailing_commas_is_a_400(string body)
    {
        var key = await cluster.Gateway1.CreateKeyAsync("body-rules");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", key.Secret);
        using var response = await cluster.Gateway1.Http.SendAsync(request);

        var error = await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request_error", null);
        Assert.StartsWith("The request body is not valid JSON", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_client_priority_is_removed_unless_its_key_has_a_min_priority_which_it_can_never_beat()
    {
        var plain = await cluster.Gateway1.CreateKeyAsync("priority-none");
        var floored = await cluster.Gateway1.CreateKeyAsync("priority-floor", minPriority: 10);

        Assert.Null(await ReceivedPriorityAsync(plain, -100));
        Assert.Null(await ReceivedPriorityAsync(plain, 5));
        Assert.Equal(10, await ReceivedPriorityAsync(floored, -100));
        Assert.Equal(20, await ReceivedPriorityAsync(floored, 20));
        Assert.Equal(10, await ReceivedPriorityAsync(floored, null));
    }

    /// <summary>Sends a chat request with this priority; returns the priority the replica received.</summary>
    private async Task<long?> ReceivedPriorityAsync(CreatedKey key, int? priority)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = SharedCluster.ModelA,
            ["messages"] = new[] { new { role = "user", content = "word word" } },
            ["max_tokens"] = 2,
        };
        if (priority is not null) body["priority"] = priority;
        using var request = OpenAiRequests.Post("v1/chat/completions", key.Secret, body);
        using var response = await cluster.Gateway1.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = (await Task.WhenAll(cluster.Backends.Select(b => b.ReceivedAsync()))).SelectMany(r => r)
            .Single(r => r.Id == OpenAiRequests.RequestId(request));
        return received.Priority;
    }
}
