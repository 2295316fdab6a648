using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tests.Shared;

/// <summary>A greedy completion of exactly max_tokens tokens (ignore_eos), plain or streamed, as the model management tests
/// send it to a replica or through the gateway.</summary>
public static class GreedyCompletion
{
    /// <summary>Status, text (or the error body) and finish reason; a stream that ends in an error event gives that event's
    /// code as its finish reason.</summary>
    public static async Task<(int Status, string Text, string? Finish)> RunAsync(HttpClient http, string? key, string model, string prompt, int maxTokens,
        bool stream = false, object? keepAlive = null)
    {
        var body = new Dictionary<string, object?> { ["model"] = model, ["prompt"] = prompt, ["max_tokens"] = maxTokens, ["temperature"] = 0, ["ignore_eos"] = true, ["stream"] = stream };
        if (keepAlive is not null) body["keep_alive"] = keepAlive;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        using var response = await http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, raw, null);
        if (!stream)
        {
            var choice = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0];
            return (200, choice.GetProperty("text").GetString()!, choice.GetProperty("finish_reason").GetString());
        }
        var text = new StringBuilder();
        string? finish = null;
        foreach (var line in raw.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)))
        {
            var chunk = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            if (chunk.TryGetProperty("error", out var error)) return (200, text.ToString(), error.GetProperty("code").GetString());
            foreach (var c in chunk.GetProperty("choices").EnumerateArray())
            {
                text.Append(c.GetProperty("text").GetString());
                if (c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
            }
        }
        return (200, text.ToString(), finish);
    }
}
