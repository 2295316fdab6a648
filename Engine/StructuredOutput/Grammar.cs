using System.Text;
using System.Text.Json;

namespace Engine.StructuredOutput;

/// <summary>
/// What a generation must match, built from the factories below and composed freely; compile it for an engine with
/// <c>LlmEngine.CompileGrammar</c> and put the result in <c>SamplingParams.StructuredOutput</c>. For example a tool
/// call, Hermes style: <c>Sequence(Text("&lt;tool_call&gt;\n{\"name\": \"get_weather\", \"arguments\": "),
/// Json(parameters), Text("}\n&lt;/tool_call&gt;"))</c>; a choice between tools is <see cref="Choice(IEnumerable{Grammar})"/>
/// of such calls, and parallel calls a <see cref="Repeat"/> of that choice.
/// </summary>
public abstract record Grammar
{
    /// <summary>Exactly this text.</summary>
    public static Grammar Text(string text) => new TextGrammar(text);

    /// <summary>Text the regex matches as a whole (full match, as vLLM's guided_regex).</summary>
    public static Grammar Regex(string pattern) => new RegexGrammar(pattern);

    /// <summary>A JSON value valid under <paramref name="schema"/> (a JSON Schema object or boolean).</summary>
    public static Grammar Json(JsonElement schema) => new JsonSchemaGrammar(schema.Clone());

    /// <summary>Any JSON object (OpenAI's response_format json_object).</summary>
    public static Grammar JsonObject { get; } = new JsonObjectGrammar();

    /// <summary>Exactly one of the texts (vLLM's guided_choice).</summary>
    public static Grammar Choice(IEnumerable<string> texts) => Choice(texts.Select(Text));

    /// <summary>Any one of the grammars.</summary>
    public static Grammar Choice(params IEnumerable<Grammar> options) => new ChoiceGrammar([.. options]);

    /// <summary>The grammars one after another.</summary>
    public static Grammar Sequence(params IEnumerable<Grammar> parts) => new SequenceGrammar([.. parts]);

    /// <summary><paramref name="item"/> between <paramref name="min"/> and <paramref name="max"/> times (null: no
    /// limit), with <paramref name="separator"/> between two items.</summary>
    public static Grammar Repeat(Grammar item, int min, int? max, Grammar? separator = null)
    {
        if (min < 0 || max < min) throw new GrammarException($"Repeat needs 0 <= min <= max, got min {min}, max {max}.");
        return new RepeatGrammar(item, min, max, separator);
    }

    /// <summary>A canonical text of the grammar: equal keys mean the same grammar (compiled grammars are cached by it).</summary>
    public string Key => Describe(new StringBuilder()).ToString();

    internal abstract StringBuilder Describe(StringBuilder text);

    internal sealed record TextGrammar(string Value) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => text.Append("text(").Append(JsonSerializer.Serialize(Value)).Append(')');
    }

    internal sealed record RegexGrammar(string Pattern) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => text.Append("regex(").Append(JsonSerializer.Serialize(Pattern)).Append(')');
    }

    internal sealed record JsonSchemaGrammar(JsonElement Schema) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => text.Append("json(").Append(Schema.GetRawText()).Append(')');
    }

    internal sealed record JsonObjectGrammar : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => text.Append("json_object");
    }

    internal sealed record ChoiceGrammar(IReadOnlyList<Grammar> Options) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => List(text.Append("choice("), Options);
    }

    internal sealed record SequenceGrammar(IReadOnlyList<Grammar> Parts) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text) => List(text.Append("sequence("), Parts);
    }

    internal sealed record RepeatGrammar(Grammar Item, int Min, int? Max, Grammar? Separator) : Grammar
    {
        internal override StringBuilder Describe(StringBuilder text)
        {
            Item.Describe(text.Append("repeat(")).Append(',').Append(Min).Append(',').Append(Max?.ToString() ?? "inf").Append(',');
            return (Separator?.Describe(text) ?? text.Append("none")).Append(')');
        }
    }

    private static StringBuilder List(StringBuilder text, IReadOnlyList<Grammar> items)
    {
        for (int i = 0; i < items.Count; i++) items[i].Describe(i == 0 ? text : text.Append(','));
        return text.Append(')');
    }
}
