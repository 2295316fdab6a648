namespace Engine.Chat.Reasoning;

/// <summary>
/// vLLM's --reasoning-parser: which models think in &lt;think&gt;…&lt;/think&gt; before they answer, and how their output
/// begins. deepseek_r1: everything before &lt;/think&gt; is reasoning (its template opens &lt;think&gt; in the prompt; one the
/// model writes itself is dropped). qwen3: reasoning only when the output opens &lt;think&gt; or the prompt left one open;
/// otherwise (thinking switched off with enable_thinking=false) it is all answer.
/// </summary>
public sealed class ReasoningParser
{
    public const string Start = "<think>";
    public const string End = "</think>";

    private readonly bool _reasoningWithoutStartTag;

    private ReasoningParser(string name, bool reasoningWithoutStartTag)
    {
        Name = name;
        _reasoningWithoutStartTag = reasoningWithoutStartTag;
    }

    public static IReadOnlyList<string> Names { get; } = ["deepseek_r1", "qwen3"];

    public static ReasoningParser ByName(string name) => name switch
    {
        "deepseek_r1" => new ReasoningParser(name, reasoningWithoutStartTag: true),
        "qwen3" => new ReasoningParser(name, reasoningWithoutStartTag: false),
        _ => throw new ArgumentException($"--reasoning-parser '{name}': expected one of {string.Join(", ", Names)}."),
    };

    public string Name { get; }

    /// <summary>A splitter for one choice whose prompt is <paramref name="prompt"/> (the rendered chat).</summary>
    public ReasoningStream NewStream(string prompt) =>
        new(_reasoningWithoutStartTag || prompt.LastIndexOf(Start, StringComparison.Ordinal) > prompt.LastIndexOf(End, StringComparison.Ordinal));
}
