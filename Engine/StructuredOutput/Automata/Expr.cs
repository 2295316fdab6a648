using System.Text;

namespace Engine.StructuredOutput.Automata;

/// <summary>
/// A grammar lowered to bytes: what every source (JSON schema, regex, choices, text) compiles to before it becomes
/// automata. Characters are already UTF-8 byte sequences; <see cref="CallExpr"/> refers to another rule, which is
/// how recursion (a schema's $ref to itself, any JSON value) is written.
/// </summary>
internal abstract record Expr
{
    /// <summary>Matches only the empty string.</summary>
    public static Expr Empty { get; } = new SeqExpr([]);

    /// <summary>Matches nothing at all.</summary>
    public static Expr Nothing { get; } = new AltExpr([]);

    public static Expr Byte(ByteSet bytes) => bytes.IsEmpty ? Nothing : new ByteExpr(bytes);

    public static Expr Byte(char ascii) => new ByteExpr(ByteSet.Of(ascii));

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, in order.</summary>
    public static Expr Text(string text) => Bytes(Encoding.UTF8.GetBytes(text));

    public static Expr Bytes(ReadOnlySpan<byte> bytes)
    {
        var parts = new Expr[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) parts[i] = new ByteExpr(ByteSet.Of(bytes[i]));
        return Seq(parts);
    }

    /// <summary>The parts one after another; nested sequences are flattened, and one impossible part makes the whole impossible.</summary>
    public static Expr Seq(params IEnumerable<Expr> parts)
    {
        var flat = new List<Expr>();
        foreach (var part in parts)
        {
            if (part.IsNothing) return Nothing;
            if (part is SeqExpr seq) flat.AddRange(seq.Parts);
            else flat.Add(part);
        }
        return flat.Count == 1 ? flat[0] : new SeqExpr(flat);
    }

    /// <summary>Any one of the options; nested alternatives are flattened and impossible options dropped.</summary>
    public static Expr Alt(params IEnumerable<Expr> options)
    {
        var flat = new List<Expr>();
        foreach (var option in options)
        {
            if (option is AltExpr alt) flat.AddRange(alt.Options);
            else flat.Add(option);
        }
        return flat.Count == 1 ? flat[0] : new AltExpr(flat);
    }

    public static Expr Optional(Expr body) => Alt(body, Empty);

    public static Expr Star(Expr body) => Repeat(body, 0, null);

    /// <summary><paramref name="body"/> repeated between <paramref name="min"/> and <paramref name="max"/> times (null: no limit).</summary>
    public static Expr Repeat(Expr body, int min, int? max)
    {
        if (max == 0 || body.IsEmpty) return Empty;
        if (body.IsNothing) return min == 0 ? Empty : Nothing;
        return min == 1 && max == 1 ? body : new RepeatExpr(body, min, max);
    }

    public static Expr Call(int rule) => new CallExpr(rule);

    public bool IsEmpty => this is SeqExpr { Parts.Count: 0 };

    public bool IsNothing => this is AltExpr { Options.Count: 0 };
}

/// <summary>One byte out of a set.</summary>
internal sealed record ByteExpr(ByteSet Set) : Expr;

internal sealed record SeqExpr(IReadOnlyList<Expr> Parts) : Expr;

internal sealed record AltExpr(IReadOnlyList<Expr> Options) : Expr;

internal sealed record RepeatExpr(Expr Body, int Min, int? Max) : Expr;

/// <summary>The whole language of another rule, by its index.</summary>
internal sealed record CallExpr(int Rule) : Expr;

/// <summary>An automaton built elsewhere (an intersection of two languages), embedded as it is.</summary>
internal sealed record DfaExpr(Dfa Automaton) : Expr;
