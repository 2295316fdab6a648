namespace Gateway.Usage;

/// <summary>
/// The response body on its way to the client, watched for OpenAI's usage object. Bytes pass through as they
/// come (streams stay unbuffered). The usage callback (the Redis charge) is started before the bytes that carry
/// the usage are passed on and is not waited for: the charge is on its way to Redis before the client can send
/// its next request (Redis runs a connection's commands in order), yet its round trip adds nothing to the
/// response's latency, nor to the next request on the same keep-alive connection.
/// With <c>dropUsageChunk</c> (the gateway asked for stream usage, the client did not), whole events are passed
/// on and the usage-only chunk is left out. JSON bodies of any size are metered as they pass (<see cref="JsonUsageScanner"/>).
/// </summary>
public sealed class UsageMeteringStream(Stream inner, HttpResponse response, bool dropUsageChunk, Func<TokenUsage, ValueTask> onUsage) : Stream
{
    private enum Mode { Undecided, Sse, Json, PassThrough }

    private Mode _mode;
    private SseEventSplitter? _events;
    private JsonUsageScanner? _json;
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

    /// <summary>Called after the proxy finished well: passes on a held tail.</summary>
    public async ValueTask FinishAsync(CancellationToken cancellationToken)
    {
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
            _json = new JsonUsageScanner();
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
        // The usage closes the response: charged before the client has its last bytes.
        _json!.Push(buffer.Span);
        if (_json.Usage is { } usage) Meter(usage);
        await inner.WriteAsync(buffer, cancellationToken);
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
