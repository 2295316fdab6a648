using System.Globalization;

namespace Engine.Configuration;

/// <summary>
/// <c>--shutdown-timeout</c> (<c>Engine:ShutdownTimeout</c>), in seconds: how long a replica told to stop (SIGTERM) lets its
/// running requests finish while it refuses new ones, before it exits anyway. Beside the flags because the AppHost sizes
/// the deployments' grace periods from it.
/// </summary>
public static class ShutdownTimeout
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    /// <summary>What a replica needs after its drain to stop its server and engine.</summary>
    public static readonly TimeSpan StopTime = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    /// <summary>How long a replica with this timeout may take from SIGTERM to its exit.</summary>
    public static TimeSpan GracePeriod(TimeSpan timeout) => timeout + StopTime;

    /// <summary>The timeout the setting gives (the default when it is absent or empty).</summary>
    public static TimeSpan Parse(string? seconds)
    {
        if (string.IsNullOrWhiteSpace(seconds)) return Default;
        return double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= Longest.TotalSeconds
            ? TimeSpan.FromSeconds(value)
            : throw new ArgumentException($"--shutdown-timeout must be a number of seconds from 0 to {Longest.TotalSeconds}, got '{seconds}'.");
    }
}
