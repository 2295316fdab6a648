namespace AppHost.Hosting;

/// <summary>
/// Delay before restarting a crashed resource: 1 s, 2 s, 4 s, ... up to 30 s; a run that lasted longer than
/// <see cref="StableAfter"/> resets the count, so an occasional crash is restarted at once again.
/// </summary>
public static class RestartBackoff
{
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>The delay before restart number <paramref name="failures"/> + 1 of a run of crashes.</summary>
    public static TimeSpan Delay(int failures) =>
        TimeSpan.FromSeconds(Math.Min(Max.TotalSeconds, Math.Pow(2, Math.Min(failures, 10))));
}
