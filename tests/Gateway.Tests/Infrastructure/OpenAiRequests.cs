using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>Builds OpenAI requests the way clients send them, plus the test backend's control headers.</summary>
public static class OpenAiRequests
{
    /// <summary>POST /v1/chat/completions; the prompt has <paramref name="promptWords"/> words (the backend's prompt tokens).</summary>
    public static HttpRequestMessage Chat(string? key, string model, bool stream = false, bool? includeUsage = null, int maxTokens = 4,
        int promptWords = 2, string? requestId = null, int? holdAfterChunks = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content = string.Join(' ', Enumerable.Repeat("word", promptWords)) } },
            ["max_tokens"] = maxTokens,
        };
        if (stream) body["stream"] = true;
        if (includeUsage is { } usage) body["stream_options"] = new { include_usage = usage };
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonContent.Create(body) };
        return WithTestHeaders(request, key, requestId, holdAfterChunks);
    }

    /// <summary>POST /v1/completions (or another <paramref name="path"/>): prompt "word word" (2 backend tokens, estimated 3).</summary>
    public static HttpRequestMessage Completion(string key, string model, string path = "v1/completions", bool stream = false, int maxTokens = 4)
    {
        var body = new Dictionary<string, object?> { ["model"] = model, ["prompt"] = "word word", ["max_tokens"] = maxTokens };
        if (stream) body["stream"] = true;
        return Post(path, key, body);
    }

    public static HttpRequestMessage Get(string path, string? key) => WithTestHeaders(new HttpRequestMessage(HttpMethod.Get, path), key, null, null);

    public static HttpRequestMessage Post(string path, string? key, object body) =>
        WithTestHeaders(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }, key, null, null);

    private static HttpRequestMessage WithTestHeaders(HttpRequestMessage request, string? key, string? requestId, int? holdAfterChunks)
    {
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("x-request-id", requestId ?? Guid.NewGuid().ToString("N"));
        if (holdAfterChunks is { } hold) request.Headers.Add("x-test-hold-after", hold.ToString());
        return request;
    }

    public static string RequestId(HttpRequestMessage request) => request.Headers.GetValues("x-request-id").Single();

    public static string? BackendOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-backend-name", out var values) ? values.Single() : null;

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
