namespace Engine.Chat.Tools;

/// <summary>Where a JSON object or array written by the model ends, found without parsing it (so on text still arriving).</summary>
public enum JsonSpanStatus
{
    /// <summary>The value closed; <see cref="JsonValueSpan.End"/> is just past it.</summary>
    Complete,
    /// <summary>The text ends inside the value: more may complete it.</summary>
    Incomplete,
    /// <summary>The text cannot be the start of an object or array (wrong first character, mismatched bracket).</summary>
    Invalid,
}

/// <summary>
/// Measures the object or array that starts at a position: tracks brackets and strings (with escapes) only, which is
/// enough to know where the value ends while tokens still arrive. Whether the value is valid JSON is checked by
/// parsing it once it is complete.
/// </summary>
public readonly record struct JsonValueSpan(JsonSpanStatus Status, int End)
{
    public static JsonValueSpan Measure(string text, int start)
    {
        if (start >= text.Length) return new(JsonSpanStatus.Incomplete, start);
        if (text[start] is not ('{' or '[')) return new(JsonSpanStatus.Invalid, start);
        var open = new Stack<char>();
        bool inString = false, escaped = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inString)
            {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    open.Push(c);
                    break;
                case '}' or ']':
                    if (open.Pop() != (c == '}' ? '{' : '[')) return new(JsonSpanStatus.Invalid, i);
                    if (open.Count == 0) return new(JsonSpanStatus.Complete, i + 1);
                    break;
            }
        }
        return new(JsonSpanStatus.Incomplete, text.Length);
    }
}
