namespace Engine.Chat.Tools;

/// <summary>
/// Mistral (vLLM's "mistral"): <c>[TOOL_CALLS] [{"name": ..., "arguments": {...}}, ...]</c> (tokenizer v3; a single object
/// without the list is read too), and the newer <c>[TOOL_CALLS]name[ARGS]{...}</c> (tokenizer v11 and later). Call ids
/// are 9 letters and digits, which Mistral's chat templates require of the ids sent back.
/// </summary>
public sealed class MistralSyntax : ToolCallSyntax
{
    private const string Arguments = "[ARGS]";
    private static readonly string[] ArgumentKeys = ["arguments"];

    public override string Name => "mistral";

    public override ToolCallFormat Format { get; } = new("[TOOL_CALLS][", "", "arguments", "", ", ", "]");

    public override IReadOnlyList<string> Markers { get; } = ["[TOOL_CALLS]"];

    public override string NewCallId() => RandomAlphanumeric(9);

    public override RegionRead ReadRegion(string text, int start, bool final, IReadOnlySet<string> toolNames)
    {
        int at = SkipWhitespace(text, start);
        if (at == text.Length) return final ? RegionRead.Invalid : RegionRead.Incomplete;
        return text[at] switch
        {
            '[' => ReadList(text, at, final, toolNames),
            '{' => Single(ReadCallObject(text, at, final, ArgumentKeys, toolNames)),
            _ => ReadNamed(text, at, final, toolNames),
        };
    }

    private static RegionRead Single((RegionStatus Status, int End, WrittenCall? Call) read) => read.Status switch
    {
        RegionStatus.Complete => new(RegionStatus.Complete, read.End, [read.Call!]),
        RegionStatus.Incomplete => RegionRead.Incomplete,
        _ => RegionRead.Invalid,
    };

    /// <summary>[call, call, ...]: complete once the list closes; every element must be a call.</summary>
    private static RegionRead ReadList(string text, int open, bool final, IReadOnlySet<string> toolNames)
    {
        var calls = new List<WrittenCall>();
        int at = open + 1;
        while (true)
        {
            var (status, end, call) = ReadCallObject(text, at, final, ArgumentKeys, toolNames);
            if (status != RegionStatus.Complete) return status == RegionStatus.Incomplete ? RegionRead.Incomplete : RegionRead.Invalid;
            calls.Add(call!);
            at = SkipWhitespace(text, end);
            if (at == text.Length) return final ? RegionRead.Invalid : RegionRead.Incomplete;
            if (text[at] == ']') return new(RegionStatus.Complete, at + 1, calls);
            if (text[at] != ',') return RegionRead.Invalid;
            at++;
        }
    }

    /// <summary>name[ARGS]{...}: the function's name, then its arguments object.</summary>
    private static RegionRead ReadNamed(string text, int at, bool final, IReadOnlySet<string> toolNames)
    {
        int nameEnd = at;
        while (nameEnd < text.Length && (char.IsAsciiLetterOrDigit(text[nameEnd]) || text[nameEnd] is '_' or '-' or '.')) nameEnd++;
        if (nameEnd == text.Length || IsPrefixOf(text, nameEnd, Arguments)) return final ? RegionRead.Invalid : RegionRead.Incomplete;
        if (nameEnd == at || string.CompareOrdinal(text, nameEnd, Arguments, 0, Arguments.Length) != 0) return RegionRead.Invalid;
        string name = text[at..nameEnd];
        int argumentsStart = nameEnd + Arguments.Length;
        if (argumentsStart == text.Length) return final ? RegionRead.Invalid : RegionRead.Incomplete;
        if (text[argumentsStart] != '{' || !toolNames.Contains(name)) return RegionRead.Invalid;
        var span = JsonValueSpan.Measure(text, argumentsStart);
        if (span.Status == JsonSpanStatus.Incomplete) return final ? RegionRead.Invalid : RegionRead.Incomplete;
        if (span.Status == JsonSpanStatus.Invalid || !IsJsonObject(text[argumentsStart..span.End])) return RegionRead.Invalid;
        return new(RegionStatus.Complete, span.End, [new WrittenCall(name, text[argumentsStart..span.End], argumentsStart)]);
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
