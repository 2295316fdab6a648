namespace Tests.Shared;

/// <summary>
/// Waiting for a condition the way tests must on a loaded machine: check it again and again until it holds, and fail, saying
/// what was awaited, only after a generous deadline. The deadline is a guard against hanging, never a claim about speed.
/// </summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Still waiting, after {limit.TotalSeconds:0} s, for {what}.");
            await Task.Delay(Interval);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);
}
