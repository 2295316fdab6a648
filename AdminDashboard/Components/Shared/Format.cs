using System.Globalization;

namespace AdminDashboard.Components.Shared;

/// <summary>How numbers, sizes and durations read on the pages.</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b) return "?";
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = b;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{b} B" : value.ToString(value < 10 ? "0.0#" : value < 100 ? "0.0" : "0", Culture) + " " + units[unit];
    }

    public static string Rate(double bytesPerSecond) => Bytes((long)bytesPerSecond) + "/s";

    /// <summary>A TimeSpan's text ("00:00:00.0012345") as milliseconds or seconds.</summary>
    public static string Duration(string? text) =>
        TimeSpan.TryParse(text, Culture, out var span) ? Duration(span) : text ?? "";

    public static string Duration(TimeSpan span) =>
        span.TotalMilliseconds < 1 ? $"{span.TotalMilliseconds.ToString("0.00", Culture)} ms"
        : span.TotalSeconds < 1 ? $"{span.TotalMilliseconds.ToString("0", Culture)} ms"
        : span.TotalSeconds < 60 ? $"{span.TotalSeconds.ToString("0.##", Culture)} s"
        : span.TotalMinutes < 60 ? $"{span.TotalMinutes.ToString("0.#", Culture)} min"
        : $"{span.TotalHours.ToString("0.#", Culture)} h";

    public static string Seconds(double? seconds) =>
        seconds is not { } s ? "–"
        : s < 0.01 ? $"{(s * 1000).ToString("0.##", Culture)} ms"
        : s < 1 ? $"{(s * 1000).ToString("0", Culture)} ms"
        : $"{s.ToString("0.00", Culture)} s";

    public static string Number(double? value, string format = "0.#") => value is { } v ? v.ToString(format, Culture) : "–";

    public static string Limit(int? perMinute) => perMinute switch
    {
        null => "default",
        0 => "unlimited",
        { } n => n.ToString("N0", Culture) + "/min",
    };

    /// <summary>A commit or blob hash, cut to its first 10 characters.</summary>
    public static string Hash(string hash) => hash.Length > 10 ? hash[..10] : hash;

    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", Culture);

    public static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", Culture);
}
