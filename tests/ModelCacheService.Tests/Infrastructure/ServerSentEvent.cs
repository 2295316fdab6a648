using System.Text.Json;

namespace ModelCacheService.Tests.Infrastructure;

/// <summary>One Server-Sent Event as received: its type, id, JSON data and when it arrived.</summary>
public sealed record ServerSentEvent(string Type, string? Id, JsonElement Data, TimeSpan ArrivedAfter)
{
    /// <summary>Reads a text/event-stream to its end, parsing "event:" and "data:" lines per the SSE format.</summary>
    public static async Task<List<ServerSentEvent>> ReadAllAsync(HttpClient http, string path, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var events = new List<ServerSentEvent>();
        string type = "message", data = "";
        string? id = null;
        while (await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal)) type = line["event:".Length..].Trim();
            else if (line.StartsWith("id:", StringComparison.Ordinal)) id = line["id:".Length..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data += line["data:".Length..].TrimStart();
            else if (line.Length == 0 && data.Length > 0)
            {
                using var json = JsonDocument.Parse(data);
                events.Add(new ServerSentEvent(type, id, json.RootElement.Clone(), clock.Elapsed));
                (type, data, id) = ("message", "", null);
            }
        }
        return events;
    }
}
