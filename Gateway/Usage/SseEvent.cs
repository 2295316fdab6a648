using System.Text;
using System.Text.Json;

namespace Gateway.Usage;

/// <summary>One server-sent event of an OpenAI stream: its bytes (with the blank line) and its usage, if any.</summary>
public readonly record struct SseEvent(ReadOnlyMemory<byte> Bytes, TokenUsage? Usage, bool IsUsageOnly)
{
    private static readonly byte[] UsageMarker = "\"usage\""u8.ToArray();

    public static SseEvent Parse(ReadOnlyMemory<byte> bytes)
    {
        // Cheap test first: nearly every chunk has no usage object ("usage": null at most).
        if (!MayHaveUsageObject(bytes.Span)) return new SseEvent(bytes, null, false);
        var data = DataOf(bytes.Span);
        if (data is null) return new SseEvent(bytes, null, false);
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            var usage = TokenUsage.From(root);
            // The usage chunk OpenAI adds for stream_options.include_usage has an empty choices array.
            var usageOnly = usage is not null && root.TryGetProperty("choices", out var choices) &&
                            choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0;
            return new SseEvent(bytes, usage, usageOnly);
        }
        catch (JsonException)
        {
            return new SseEvent(bytes, null, false);
        }
    }

    /// <summary>True if some "usage" key is followed by an object (a string value containing it only costs a parse).</summary>
    private static bool MayHaveUsageObject(ReadOnlySpan<byte> bytes)
    {
        for (var at = bytes.IndexOf(UsageMarker); at >= 0; at = NextMarker(bytes, at))
        {
            var rest = bytes[(at + UsageMarker.Length)..].TrimStart(" \t\r\n"u8);
            if (rest.Length > 0 && rest[0] == (byte)':' && rest[1..].TrimStart(" \t\r\n"u8) is [(byte)'{', ..]) return true;
        }
        return false;
    }

    private static int NextMarker(ReadOnlySpan<byte> bytes, int previous)
    {
        var next = bytes[(previous + 1)..].IndexOf(UsageMarker);
        return next < 0 ? -1 : previous + 1 + next;
    }

    /// <summary>The event's data lines joined with newlines (SSE rules), or null if it has none or is [DONE].</summary>
    private static string? DataOf(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var data = new StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var value = line[5..];
            if (value.StartsWith(' ')) value = value[1..];
            if (data.Length > 0) data.Append('\n');
            data.Append(value);
        }
        return data.Length == 0 || data.ToString() == "[DONE]" ? null : data.ToString();
    }
}
