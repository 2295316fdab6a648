using System.Text;

namespace Gateway.Observability;

/// <summary>Values written into log lines: control characters (CR, LF and the rest of C0, DEL) become \xNN, so a value
/// a client chose (a path, a model name) can never end a line and forge the next one.</summary>
public static class LogText
{
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value.Any(char.IsControl)) return value ?? "";
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
            if (char.IsControl(c)) escaped.Append($"\\x{(int)c:X2}");
            else escaped.Append(c);
        return escaped.ToString();
    }
}
