using System.Net;
using System.Text;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>The request size limit (64 KiB in the shared cluster) and CORS (one allowed origin).</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RequestLimitsAndCorsTests(SharedCluster cluster)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_gets_413_in_OpenAI_shape(bool withContentLength)
    {
        var key = await cluster.Gateway1.CreateKeyAsync("size-limit");
        var body = $"{{\"model\":\"model-a\",\"prompt\":\"{new string('x', SharedCluster.MaxBodyBytes)}\"}}";
        using var request = OpenAiRequests.Get("v1/completions", key.Secret);
        request.Method = HttpMethod.Post;
        request.Content = withContentLength
            ? new StringContent(body, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))); // No length: sent chunked.
        if (!withContentLength) request.Headers.TransferEncodingChunked = true;

        using var response = await cluster.Gateway1.Http.SendAsync(request);
        await OpenAiErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "request_too_large");
    }

    [Fact]
    public async Task A_body_under_the_limit_passes()
    {
        var key = await cluster.Gateway1.CreateKeyAsync("size-ok");
        using var response = await cluster.Gateway1.Http.SendAsync(
            OpenAiRequests.Post("v1/completions", key.Secret, new { model = "model-a", prompt = new string('x', SharedCluster.MaxBodyBytes / 2) }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(SharedCluster.AllowedOrigin, true)]
    [InlineData("http://evil.example", false)]
    public async Task CORS_preflight_is_answered_for_allowed_origins_only(string origin, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "v1/chat/completions");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await cluster.Gateway2.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var allowOrigin = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        Assert.Equal(allowed ? origin : null, allowOrigin);
    }
}
