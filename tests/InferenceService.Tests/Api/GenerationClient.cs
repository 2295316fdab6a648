using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>Posts a generation request, streamed or not, and returns what a client would keep of its first choice:
/// the whole text (streamed deltas joined), the tool calls (streamed ones rebuilt as the OpenAI SDKs do: by index,
/// the name from the first delta, the arguments appended) and the finish reason.</summary>
public static class GenerationClient
{
    public sealed record Result(int Status, string Text, string? FinishReason, string Raw, IReadOnlyList<(string Name, string Arguments)> Calls);

    public static async Task<Result> GenerateAsync(HttpClient http, string path, JsonObject body)
    {
        bool chat = path.Contains("chat", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var raw = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) return new((int)response.StatusCode, "", null, raw, []);
        if (body["stream"]?.GetValue<bool>() != true)
        {
            var choice = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0];
            var text = (chat ? choice.GetProperty("message").GetProperty("content").GetString() : choice.GetProperty("text").GetString()) ?? "";
            return new(200, text, choice.GetProperty("finish_reason").GetString(), raw, chat ? ForcedToolCalls.Calls(choice.GetProperty("message")) : []);
        }
        var joined = new StringBuilder();
        var calls = new List<(string Name, StringBuilder Arguments)>();
        string? finish = null;
        foreach (var line in raw.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l != "data: [DONE]"))
        {
            var chunk = JsonDocument.Parse(line["data: ".Length..]).RootElement;
            if (chunk.TryGetProperty("error", out _)) return new(500, joined.ToString(), null, raw, []);
            foreach (var c in chunk.GetProperty("choices").EnumerateArray())
            {
                if (chat && c.GetProperty("delta").TryGetProperty("content", out var content)) joined.Append(content.GetString());
                if (chat && c.GetProperty("delta").TryGetProperty("tool_calls", out var deltas))
                    foreach (var call in deltas.EnumerateArray())
                    {
                        var function = call.GetProperty("function");
                        int index = call.GetProperty("index").GetInt32();
                        if (index == calls.Count) calls.Add((function.GetProperty("name").GetString()!, new StringBuilder()));
                        if (function.TryGetProperty("arguments", out var fragment)) calls[index].Arguments.Append(fragment.GetString());
                    }
                if (!chat) joined.Append(c.GetProperty("text").GetString());
                if (c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String) finish = f.GetString();
            }
        }
        return new(200, joined.ToString(), finish, raw, [.. calls.Select(c => (c.Name, c.Arguments.ToString()))]);
    }
}
