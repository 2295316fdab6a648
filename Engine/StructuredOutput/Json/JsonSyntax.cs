using System.Text.Encodings.Web;
using System.Text.Json;
using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// JSON's punctuation and whitespace as expressions. Whitespace is bounded, as llama.cpp's grammars do: nothing,
/// one space, or one or two newlines and up to 20 spaces or tabs; so compact and pretty-printed JSON are both
/// possible, and a model cannot stall in endless whitespace.
/// </summary>
internal static class JsonSyntax
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Expr Whitespace { get; } = Expr.Alt(
        Expr.Empty,
        Expr.Byte(' '),
        Expr.Seq(Expr.Repeat(Expr.Byte('\n'), 1, 2), Expr.Repeat(Expr.Byte(ByteSet.Of(' ').Union(ByteSet.Of('\t'))), 0, 20)));

    /// <summary>A comma between members or items, with whitespace around it.</summary>
    public static Expr Comma { get; } = Expr.Seq(Whitespace, Expr.Byte(','), Whitespace);

    /// <summary>A member's key (already an expression) and value.</summary>
    public static Expr Member(Expr key, Expr value) => Expr.Seq(key, Whitespace, Expr.Byte(':'), Whitespace, value);

    public static Expr Bracketed(char open, Expr body, char close) => Expr.Seq(Expr.Byte(open), Whitespace, body, Whitespace, Expr.Byte(close));

    /// <summary>The compact JSON text of a value (how enum and const values are written).</summary>
    public static string Text(JsonElement value) => JsonSerializer.Serialize(value, Compact);

    /// <summary>A string literal: the JSON-escaped <paramref name="text"/> in quotes.</summary>
    public static Expr Quoted(string text) => Expr.Text(JsonSerializer.Serialize(text, Compact));

    /// <summary>Any JSON value; nested values are calls of <paramref name="valueRule"/> (this expression's own rule).</summary>
    public static Expr AnyValue(int valueRule) => Expr.Alt(
        AnyObject(valueRule),
        Bracketed('[', Expr.Optional(Expr.Seq(Expr.Call(valueRule), Expr.Star(Expr.Seq(Comma, Expr.Call(valueRule))))), ']'),
        JsonStrings.String(0, null),
        JsonNumbers.Unbounded(integer: false),
        Expr.Text("true"), Expr.Text("false"), Expr.Text("null"));

    /// <summary>Any JSON object whose values are calls of <paramref name="valueRule"/>.</summary>
    public static Expr AnyObject(int valueRule)
    {
        var member = Member(JsonStrings.String(0, null), Expr.Call(valueRule));
        return Bracketed('{', Expr.Optional(Expr.Seq(member, Expr.Star(Expr.Seq(Comma, member)))), '}');
    }
}
