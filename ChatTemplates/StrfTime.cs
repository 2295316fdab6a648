using System.Globalization;
using System.Text;

namespace ChatTemplates;

/// <summary>Python's datetime.strftime in the C locale, including glibc's %-d style no-padding flag,
/// for Hugging Face's <c>strftime_now</c>. Times are naive, so %z and %Z are empty.</summary>
internal static class StrfTime
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(DateTime t, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            var code = format[noPad ? i + 2 : i + 1];
            i += noPad ? 2 : 1;
            var text = Directive(t, code);
            if (text is null)
            {
                sb.Append('%').Append(noPad ? "-" : "").Append(code);
                continue;
            }
            if (noPad && text.Length > 1) text = text.TrimStart('0', ' ') is { Length: > 0 } trimmed ? trimmed : "0";
            sb.Append(text);
        }
        return sb.ToString();
    }

    private static string? Directive(DateTime t, char code) => code switch
    {
        'a' => t.ToString("ddd", Inv),
        'A' => t.ToString("dddd", Inv),
        'w' => ((int)t.DayOfWeek).ToString(Inv),
        'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(Inv),
        'd' => t.Day.ToString("00", Inv),
        'e' => t.Day.ToString(Inv).PadLeft(2),
        'b' or 'h' => t.ToString("MMM", Inv),
        'B' => t.ToString("MMMM", Inv),
        'm' => t.Month.ToString("00", Inv),
        'y' => (t.Year % 100).ToString("00", Inv),
        'Y' => t.Year.ToString(Inv),
        'H' => t.Hour.ToString("00", Inv),
        'I' => (t.Hour % 12 == 0 ? 12 : t.Hour % 12).ToString("00", Inv),
        'p' => t.Hour < 12 ? "AM" : "PM",
        'M' => t.Minute.ToString("00", Inv),
        'S' => t.Second.ToString("00", Inv),
        'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", Inv),
        'j' => t.DayOfYear.ToString("000", Inv),
        'U' => ((t.DayOfYear + 6 - (int)t.DayOfWeek) / 7).ToString("00", Inv),
        'W' => ((t.DayOfYear + 6 - ((int)t.DayOfWeek + 6) % 7) / 7).ToString("00", Inv),
        'c' => Format(t, "%a %b %e %H:%M:%S %Y"),
        'x' => Format(t, "%m/%d/%y"),
        'X' => Format(t, "%H:%M:%S"),
        'D' => Format(t, "%m/%d/%y"),
        'F' => Format(t, "%Y-%m-%d"),
        'T' => Format(t, "%H:%M:%S"),
        'R' => Format(t, "%H:%M"),
        'z' or 'Z' => "",
        'n' => "\n",
        't' => "\t",
        '%' => "%",
        _ => null,
    };
}
