namespace Engine.Chat.Tools;

/// <summary>
/// Llama 3.1 / 3.2 JSON tool calls (vLLM's "llama3_json", Meta's JSON-based tool calling):
/// <c>{"name": ..., "parameters": {...}}</c> as the whole answer, or after <c>&lt;|python_tag|&gt;</c>; vLLM's "; "
/// separates parallel calls. "arguments" is read in place of "parameters" too.
/// </summary>
public sealed class Llama3JsonSyntax : ToolCallSyntax
{
    private static readonly string[] ArgumentKeys = ["parameters", "arguments"];

    public override string Name => "llama3_json";

    public override ToolCallFormat Format { get; } = new("", "", "parameters", "", "; ", "");

    public override IReadOnlyList<string> Markers { get; } = ["<|python_tag|>"];

    public override bool BareObjectAtStart => true;

    public override char? Continuation => ';';

    public override RegionRead ReadRegion(string text, int start, bool final, IReadOnlySet<string> toolNames)
    {
        var (status, end, call) = ReadCallObject(text, start, final, ArgumentKeys, toolNames);
        return status switch
        {
            RegionStatus.Complete => new(RegionStatus.Complete, end, [call!]),
            RegionStatus.Incomplete => RegionRead.Incomplete,
            _ => RegionRead.Invalid,
        };
    }
}
