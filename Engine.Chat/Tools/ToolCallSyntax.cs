using System.Security.Cryptography;

namespace Engine.Chat.Tools;

/// <summary>Whether a call region could be read: all of it, not yet (more text may complete it), or never.</summary>
public enum RegionStatus
{
    Complete,
    Incomplete,
    Invalid,
}

/// <summary>The outcome of reading a call region: its status, where it ends when complete, and the calls in it.</summary>
public readonly record struct RegionRead(RegionStatus Status, int End, IReadOnlyList<WrittenCall> Calls)
{
    public static RegionRead Incomplete { get; } = new(RegionStatus.Incomplete, 0, []);
    public static RegionRead Invalid { get; } = new(RegionStatus.Invalid, 0, []);
}

/// <summary>
/// One family's way of writing tool calls in its output (vLLM's --tool-call-parser): the markers that open a call
/// region, how a region reads into calls, the ids its calls get, and the <see cref="ToolCallFormat"/> to generate
/// them. <see cref="ToolCallStream"/> runs a syntax over text as it arrives.
/// </summary>
public abstract class ToolCallSyntax
{
    /// <summary>The --tool-call-parser names, as vLLM spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["hermes", "llama3_json", "mistral"];

    public static ToolCallSyntax ByName(string name) => name switch
    {
        "hermes" => new HermesSyntax(),
        "llama3_json" => new Llama3JsonSyntax(),
        "mistral" => new MistralSyntax(),
        _ => throw new ArgumentException($"--tool-call-parser '{name}': expected one of {string.Join(", ", Names)}."),
    };

    public abstract string Name { get; }

    public abstract ToolCallFormat Format { get; }

    /// <summary>Texts that open a call region wherever they appear in the content.</summary>
    public abstract IReadOnlyList<string> Markers { get; }

    /// <summary>Whether a '{' that is the first thing written (after whitespace) opens a call region (Llama 3's JSON calls).</summary>
    public virtual bool BareObjectAtStart => false;

    /// <summary>What opens another call region right after one (whitespace around it allowed), if anything.</summary>
    public virtual char? Continuation => null;

    /// <summary>Reads the region that starts at <paramref name="start"/> (just after its marker). <paramref name="final"/>:
    /// the text is all there will be.</summary>
    public abstract RegionRead ReadRegion(string text, int start, bool final, IReadOnlySet<string> toolNames);

    /// <summary>A new call id: OpenAI's "call_" and 24 letters and digits.</summary>
    public virtual string NewCallId() => "call_" + RandomAlphanumeric(24);

    protected static string RandomAlphanumeric(int length) =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);

    protected static int SkipWhitespace(string text, int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        return at;
    }

    /// <summary>The call object at <paramref name="at"/> (after whitespace): complete and a call, not yet complete, or not a call.</summary>
    protected static (RegionStatus Status, int End, WrittenCall? Call) ReadCallObject(string text, int at, bool final,
        IReadOnlyList<string> argumentKeys, IReadOnlySet<string> toolNames)
    {
        int start = SkipWhitespace(text, at);
        if (start == text.Length) return (final ? RegionStatus.Invalid : RegionStatus.Incomplete, start, null);
        if (text[start] != '{') return (RegionStatus.Invalid, start, null);
        var span = JsonValueSpan.Measure(text, start);
        if (span.Status == JsonSpanStatus.Incomplete) return (final ? RegionStatus.Invalid : RegionStatus.Incomplete, start, null);
        if (span.Status == JsonSpanStatus.Invalid) return (RegionStatus.Invalid, start, null);
        var call = WrittenCall.Read(text, start, span.End, argumentKeys, toolNames);
        return call is null ? (RegionStatus.Invalid, start, null) : (RegionStatus.Complete, span.End, call);
    }

    /// <summary>Whether the text from <paramref name="at"/> to its end could still grow into <paramref name="expected"/>.</summary>
    protected static bool IsPrefixOf(string text, int at, string expected) =>
        text.Length - at < expected.Length && expected.AsSpan().StartsWith(text.AsSpan(at), StringComparison.Ordinal);
}
