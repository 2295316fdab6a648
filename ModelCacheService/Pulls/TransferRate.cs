namespace ModelCacheService.Pulls;

/// <summary>Bytes per second over the last few seconds, from samples of a growing byte counter.</summary>
public sealed class TransferRate(TimeSpan window)
{
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();

    /// <summary>Adds a sample of the counter at <paramref name="now"/> and returns the rate over the window.</summary>
    public double Sample(DateTimeOffset now, long transferredBytes)
    {
        _samples.Enqueue((now.UtcTicks, transferredBytes));
        // Keep one sample at or before the window's start, so the rate spans the whole window.
        while (_samples.Count > 2 && _samples.ElementAt(1).Ticks <= now.UtcTicks - window.Ticks) _samples.Dequeue();
        var (firstTicks, firstBytes) = _samples.Peek();
        var seconds = (now.UtcTicks - firstTicks) / (double)TimeSpan.TicksPerSecond;
        return seconds <= 0 ? 0 : (transferredBytes - firstBytes) / seconds;
    }
}
