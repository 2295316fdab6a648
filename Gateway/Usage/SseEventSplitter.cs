using System.Buffers;

namespace Gateway.Usage;

/// <summary>Cuts a byte stream into complete server-sent events (each ending with a blank line), keeping the incomplete tail.</summary>
public sealed class SseEventSplitter
{
    private readonly ArrayBufferWriter<byte> _pending = new();

    /// <summary>Adds bytes; returns the events they complete, in order (their bytes are copies).</summary>
    public List<SseEvent> Push(ReadOnlySpan<byte> bytes)
    {
        _pending.Write(bytes);
        var events = new List<SseEvent>();
        var data = _pending.WrittenSpan;
        var consumed = 0;
        while (true)
        {
            var end = EventEnd(data[consumed..]);
            if (end < 0) break;
            events.Add(SseEvent.Parse(data.Slice(consumed, end).ToArray()));
            consumed += end;
        }
        if (consumed > 0)
        {
            var rest = data[consumed..].ToArray();
            _pending.Clear();
            _pending.Write(rest);
        }
        return events;
    }

    /// <summary>Bytes not yet part of a complete event.</summary>
    public ReadOnlySpan<byte> Pending => _pending.WrittenSpan;

    /// <summary>Length of the first complete event including its terminating blank line, or -1.</summary>
    private static int EventEnd(ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf("\n\n"u8);
        var crlf = data.IndexOf("\r\n\r\n"u8);
        if (lf < 0 && crlf < 0) return -1;
        if (crlf < 0 || (lf >= 0 && lf < crlf)) return lf + 2;
        return crlf + 4;
    }
}
