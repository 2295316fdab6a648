using System.Text;

namespace Gateway.Tests.Infrastructure;

/// <summary>Reads server-sent events one at a time from a response stream, as they arrive.</summary>
public sealed class SseReader(Stream stream)
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The data of the next event, or null at the end of the stream.</summary>
    public async Task<string?> NextDataAsync(CancellationToken cancellationToken = default)
    {
        var data = new StringBuilder();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0) return data.ToString();
                continue;
            }
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0) data.Append('\n');
                data.Append(line[5..].TrimStart(' '));
            }
        }
        return data.Length > 0 ? data.ToString() : null;
    }

    /// <summary>All remaining events' data, up to and including [DONE].</summary>
    public async Task<List<string>> RestAsync(CancellationToken cancellationToken = default)
    {
        var events = new List<string>();
        while (await NextDataAsync(cancellationToken) is { } data) events.Add(data);
        return events;
    }
}
