using System.Text;
using Engine.Chat;
using Engine.Chat.Reasoning;
using Engine.Chat.Tools;

namespace InferenceService.Tests.Parsing;

/// <summary>A parsed tool call as a client rebuilds it: name and the joined argument fragments (ids are random).</summary>
public sealed record ParsedCall(string Name, string Arguments);

/// <summary>
/// What an assistant message holds after the parser's deltas are put together the way the OpenAI SDKs' stream
/// accumulators do (content and reasoning joined, calls by index: name from the first delta, arguments appended).
/// </summary>
public sealed record ParsedMessage(string Content, string Reasoning, IReadOnlyList<ParsedCall> Calls)
{
    public static readonly IReadOnlySet<string> WeatherTools = new HashSet<string>
    {
        "get_current_temperature", "get_temperature_date", "get_stock_fundamentals", "get_current_conditions", "get_current_weather",
    };

    /// <summary>Runs a new parser over the pieces of text, one Add per piece, then Finish.</summary>
    public static ParsedMessage Parse(IEnumerable<string> pieces, string? toolParser, string? reasoningParser = null, string prompt = "",
        bool parallelCalls = true, IReadOnlySet<string>? tools = null)
    {
        var parser = new ChatOutputParser(
            reasoningParser is null ? null : ReasoningParser.ByName(reasoningParser).NewStream(prompt),
            toolParser is null ? null : new ToolCallStream(ToolCallSyntax.ByName(toolParser), tools ?? WeatherTools, parallelCalls));
        var deltas = new List<ChatDelta>();
        foreach (var piece in pieces) deltas.AddRange(parser.Add(piece));
        deltas.AddRange(parser.Finish());
        return Accumulate(deltas);
    }

    public static ParsedMessage Parse(string text, string? toolParser, string? reasoningParser = null, string prompt = "") =>
        Parse([text], toolParser, reasoningParser, prompt);

    private static ParsedMessage Accumulate(IReadOnlyList<ChatDelta> deltas)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<(string Name, StringBuilder Arguments)>();
        foreach (var delta in deltas)
        {
            switch (delta)
            {
                case ContentDelta c:
                    Assert.NotEqual("", c.Text);
                    content.Append(c.Text);
                    break;
                case ReasoningDelta r:
                    Assert.NotEqual("", r.Text);
                    reasoning.Append(r.Text);
                    break;
                case ToolCallStart s:
                    Assert.Equal(calls.Count, s.Index);   // calls are numbered in order, each announced before its arguments
                    Assert.False(string.IsNullOrEmpty(s.Id));
                    calls.Add((s.Name, new StringBuilder()));
                    break;
                case ToolCallArguments a:
                    Assert.Equal(calls.Count - 1, a.Index);
                    calls[a.Index].Arguments.Append(a.Fragment);
                    break;
            }
        }
        return new ParsedMessage(content.ToString(), reasoning.ToString(), calls.Select(c => new ParsedCall(c.Name, c.Arguments.ToString())).ToList());
    }

    public bool Equals(ParsedMessage? other) =>
        other is not null && Content == other.Content && Reasoning == other.Reasoning && Calls.SequenceEqual(other.Calls);

    public override int GetHashCode() => HashCode.Combine(Content, Reasoning, Calls.Count);

    public override string ToString() =>
        $"content «{Content}», reasoning «{Reasoning}», calls [{string.Join("; ", Calls.Select(c => $"{c.Name} {c.Arguments}"))}]";
}
