using System.Text.Json;

namespace Gateway.Usage;

/// <summary>
/// The response body on its way to the client, watched for OpenAI's usage object. Bytes pass through as they
/// come (streams stay unbuffered). The usage callback (the Redis charge) is started before the bytes that carry
/// the usage are passed on and is not waited for: the charge is on its way to Redis before the client can send
/// its next request (Redis runs a connection's commands in order), yet its round trip adds nothing to the
/// response's latency, nor to the next request on the same keep-alive connection.
/// With <c>dropUsageChunk</c> (the gateway asked for stream usage, the client did not), whole events are passed
/// on and the usage-only chunk is left out.
/// </summary>
public sealed class UsageMeteringStream(Stream inner, HttpResponse response, bool dropUsageChunk, Func<TokenUsage, ValueTask> onUsage) : Stream
{
    private const int MaxJsonBytes = 16 * 1024 * 1024;

    private enum Mode { Undecided, Sse, Json, PassThrough }

    private Mode _mode;
    private SseEventSplitter? _events;
    private MemoryStream? _json;
    private bool _metered;
    private Task _charge = Task.CompletedTask;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_mode == Mode.Undecided) _mode = Decide();
        switch (_mode)
        {
            case Mode.Sse:
                await WriteEventsAsync(buffer, cancellationToken);
                break;
            case Mode.Json:
                await WriteJsonAsync(buffer, cancellationToken);
                break;
            default:
                await inner.WriteAsync(buffer, cancellationToken);
                break;
        }
    }

    /// <summary>The charge started for the usage seen, if any (completed when there was none); for tests.</summary>
    public Task Charged => _charge;

    /// <summary>Called after the proxy finished well: meters a JSON body sent without Content-Length, passes on a held tail.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
        if (_mode == Mode.Json) MeterJson();
        if (_mode == Mode.Sse && dropUsageChunk && _events!.Pending.Length > 0)
            await inner.WriteAsync(_events.Pending.ToArray(), cancellationToken);
    }

    private Mode Decide()
    {
        if (response.StatusCode is < 200 or >= 300) return Mode.PassThrough;
        var contentType = response.ContentType ?? "";
        if (contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            _events = new SseEventSplitter();
            return Mode.Sse;
        }
        if (contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            _json = new MemoryStream();
            return Mode.Json;
        }
        return Mode.PassThrough;
    }

    private async ValueTask WriteEventsAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        var events = _events!.Push(buffer.Span);
        foreach (var completed in events)
            if (completed.Usage is { } usage) Meter(usage);
        if (!dropUsageChunk)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        var kept = events.Where(e => !e.IsUsageOnly).ToList();
        if (kept.Count == 0) return;
        var bytes = new byte[kept.Sum(e => e.Bytes.Length)];
        var offset = 0;
        foreach (var e in kept)
        {
            e.Bytes.Span.CopyTo(bytes.AsSpan(offset));
            offset += e.Bytes.Length;
        }
        await inner.WriteAsync(bytes, cancellationToken);
    }

    private async ValueTask WriteJsonAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (_json!.Length + buffer.Length > MaxJsonBytes)
        {
            _mode = Mode.PassThrough; // Too big to hold a copy of; left unmetered.
            _json = null;
        }
        else
        {
            _json.Write(buffer.Span);
            // With a Content-Length the client has the whole response once these bytes are written: charge first.
            if (response.ContentLength is { } length && _json.Length >= length) MeterJson();
        }
        await inner.WriteAsync(buffer, cancellationToken);
    }

    private void MeterJson()
    {
        if (_metered || _json is null || _json.Length == 0) return;
        TokenUsage? usage;
        try
        {
            using var document = JsonDocument.Parse(_json.GetBuffer().AsMemory(0, (int)_json.Length));
            usage = TokenUsage.From(document.RootElement);
        }
        catch (JsonException)
        {
            return;
        }
        if (usage is { } found) Meter(found);
    }

    private void Meter(TokenUsage usage)
    {
        if (_metered) return;
        _metered = true;
        _charge = onUsage(usage).AsTask();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
