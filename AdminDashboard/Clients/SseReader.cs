using System.Runtime.CompilerServices;
using System.Text;

namespace AdminDashboard.Clients;

/// <summary>One Server-Sent Event: its type ("message" unless named) and its data (lines joined with \n).</summary>
public readonly record struct SseEvent(string Type, string Data);

/// <summary>Reads Server-Sent Events (text/event-stream) from a response body, as the WHATWG spec parses them.</summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        string? type = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData) yield return new SseEvent(type ?? "message", data.ToString());
                type = null;
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':') continue; // A comment (keep-alive).
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    if (hasData) data.Append('\n');
                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
        if (hasData) yield return new SseEvent(type ?? "message", data.ToString());
    }
}
