namespace Engine.Chat.Tools;

/// <summary>
/// Hermes 2 Pro / Qwen2.5 / Qwen3 (vLLM's "hermes"): each call is <c>&lt;tool_call&gt;\n{"name": ..., "arguments": {...}}\n&lt;/tool_call&gt;</c>.
/// A call whose closing tag never came (the output ended right after the object) still counts, as in vLLM.
/// </summary>
public sealed class HermesSyntax : ToolCallSyntax
{
    private const string Open = "<tool_call>";
    private const string Close = "</tool_call>";
    private static readonly string[] ArgumentKeys = ["arguments"];

    public override string Name => "hermes";

    public override ToolCallFormat Format { get; } = new("", Open + "\n", "arguments", "\n" + Close, "\n", "");

    public override IReadOnlyList<string> Markers { get; } = [Open];

    public override RegionRead ReadRegion(string text, int start, bool final, IReadOnlySet<string> toolNames)
    {
        var (status, end, call) = ReadCallObject(text, start, final, ArgumentKeys, toolNames);
        if (status != RegionStatus.Complete) return status == RegionStatus.Incomplete ? RegionRead.Incomplete : RegionRead.Invalid;
        int close = SkipWhitespace(text, end);
        if (string.CompareOrdinal(text, close, Close, 0, Close.Length) == 0) return new(RegionStatus.Complete, close + Close.Length, [call!]);
        if (close == text.Length || IsPrefixOf(text, close, Close))
            return final ? new(RegionStatus.Complete, text.Length, [call!]) : RegionRead.Incomplete;
        return RegionRead.Invalid;
    }
}
