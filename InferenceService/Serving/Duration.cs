using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceService.Serving;

/// <summary>Durations as Ollama's keep_alive takes them: "5m", "30s", "1h30m", "250ms", or a number of seconds;
/// negative values ("-1", "-1m") mean forever (null).</summary>
public static partial class Duration
{
    /// <summary>The duration, or null for a negative one (never); an <see cref="ArgumentException"/> naming <paramref name="what"/> otherwise.</summary>
    public static TimeSpan? Parse(string text, string what)
    {
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            return Of(seconds, text, what);
        var match = Pattern().Match(text);
        if (!match.Success || text.Length == 0 || text == "-")
            throw new ArgumentException($"{what} '{text}' is not a duration (examples: 5m, 30s, 1h30m, 250ms, or a number of seconds; negative: never).");
        double total = 0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = Unit().Match(part.Value);
            double number = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
            total += number * unit.Groups[2].Value switch { "ms" => 0.001, "s" => 1, "m" => 60, _ => 3600 };
        }
        return Of(text.StartsWith('-') ? -total : total, text, what);
    }

    private static TimeSpan? Of(double seconds, string text, string what) => seconds switch
    {
        < 0 => null,
        > 365 * 86400.0 => throw new ArgumentException($"{what} '{text}' is longer than a year; use a negative value for never."),
        _ => TimeSpan.FromSeconds(seconds),
    };

    [GeneratedRegex(@"^-?(?<part>[0-9]*\.?[0-9]+(?:ms|s|m|h))+$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^([0-9]*\.?[0-9]+)(ms|s|m|h)$")]
    private static partial Regex Unit();
}
