using System.Text;
using System.Text.Json;

namespace Engine.Chat.Tools;

/// <summary>
/// One call as the model wrote it: the function's name, and its arguments' JSON exactly as written, with where that
/// text starts in the model's output (-1 when the model wrote no arguments and they are "{}").
/// </summary>
public sealed record WrittenCall(string Name, string Arguments, int ArgumentsOffset)
{
    /// <summary>
    /// Reads the call object in text[start..end): valid JSON, an object with a "name" the request defined, its
    /// arguments (under one of <paramref name="argumentKeys"/>) an object, and nothing else but "type": "function".
    /// Null when it is not such a call (the text then stays content).
    /// </summary>
    public static WrittenCall? Read(string text, int start, int end, IReadOnlyList<string> argumentKeys, IReadOnlySet<string> toolNames)
    {
        var bytes = Encoding.UTF8.GetBytes(text[start..end]);
        string? name = null;
        (int Start, int End)? arguments = null;
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (key == "name" && name is null && reader.TokenType == JsonTokenType.String) name = reader.GetString();
                else if (argumentKeys.Contains(key) && arguments is null && reader.TokenType == JsonTokenType.StartObject)
                {
                    int from = (int)reader.TokenStartIndex;
                    reader.Skip();
                    arguments = (from, (int)reader.BytesConsumed);
                }
                else if (!(key == "type" && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("function"u8))) return null;
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
        }
        catch (JsonException)
        {
            return null;
        }
        if (name is null || !toolNames.Contains(name)) return null;
        if (arguments is not var (a, b)) return new WrittenCall(name, "{}", -1);
        int offset = start + Encoding.UTF8.GetCharCount(bytes, 0, a);
        return new WrittenCall(name, Encoding.UTF8.GetString(bytes, a, b - a), offset);
    }
}
