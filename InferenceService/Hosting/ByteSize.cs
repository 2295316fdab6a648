using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceService.Hosting;

/// <summary>Parses sizes like 2GiB, 512MiB, 1.5GB, 4e9 or a plain byte count.</summary>
public static partial class ByteSize
{
    public static long Parse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success) throw new ArgumentException($"'{text}' is not a size (examples: 2GiB, 512MiB, 1e9).");
        double number = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        double unit = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1e3, "KI" or "KIB" => 1024,
            "M" or "MB" => 1e6, "MI" or "MIB" => 1 << 20,
            "G" or "GB" => 1e9, "GI" or "GIB" => 1 << 30,
            "T" or "TB" => 1e12, "TI" or "TIB" => 1024.0 * (1 << 30),
            var u => throw new ArgumentException($"Unknown size unit '{u}' in '{text}'."),
        };
        return checked((long)(number * unit));
    }

    [GeneratedRegex(@"^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)$")]
    private static partial Regex Pattern();
}
