using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// JSON numbers as expressions, with llama.cpp's bounds on their size: up to 16 integer digits, 16 fraction digits
/// and a two-digit exponent. With minimum/maximum (inclusive or exclusive, any decimal), numbers are written without
/// an exponent and the bounds are exact: the magnitude's digits are intersected with automata that compare them
/// digit by digit against the bound's digits, for the positive and the negative side separately.
/// </summary>
internal static class JsonNumbers
{
    private static readonly Expr AnyDigits = Expr.Star(Digit(0, 9));
    private static readonly Expr IntegerPart = Expr.Alt(Expr.Byte('0'), Expr.Seq(Digit(1, 9), Expr.Repeat(Digit(0, 9), 0, 15)));
    private static readonly Expr FractionPart = Expr.Seq(Expr.Byte('.'), Expr.Repeat(Digit(0, 9), 1, 16));
    private static readonly Expr AnyFraction = Expr.Optional(Expr.Seq(Expr.Byte('.'), Digit(0, 9), AnyDigits));

    public static Expr Unbounded(bool integer) => integer
        ? Expr.Seq(Expr.Optional(Expr.Byte('-')), IntegerPart)
        : Expr.Seq(Expr.Optional(Expr.Byte('-')), IntegerPart, Expr.Optional(FractionPart),
            Expr.Optional(Expr.Seq(Expr.Byte(ByteSet.Of('e').Union(ByteSet.Of('E'))), Expr.Optional(Expr.Byte(ByteSet.Of('+').Union(ByteSet.Of('-')))), Expr.Repeat(Digit(0, 9), 1, 2))));

    /// <summary>Numbers above every lower bound and below every upper bound; null when none is representable.</summary>
    public static Expr? Bounded(bool integer, IReadOnlyList<DecimalBound> lower, IReadOnlyList<DecimalBound> upper)
    {
        if (lower.Count == 0 && upper.Count == 0) return Unbounded(integer);
        var magnitude = DfaAlgebra.Compile(integer ? IntegerPart : Expr.Seq(IntegerPart, Expr.Optional(FractionPart)));

        // value = +m (m >= 0): a negative lower bound holds already, a negative upper bound never does.
        List<Expr>? positive = upper.Any(b => b.Negative) ? null : [.. lower.Where(b => !b.Negative).Select(Above), .. upper.Select(Below)];
        // value = -m: -m >= lower ⇔ m <= |lower| (a non-negative lower bound leaves only zero, written without '-');
        // -m <= upper ⇔ m >= |upper| for a negative upper bound, and holds for the others.
        List<Expr>? negative = lower.Any(b => !b.Negative) ? null : [.. lower.Select(Below), .. upper.Where(b => b.Negative).Select(Above)];

        var sides = new List<Expr>();
        if (Side(magnitude, positive) is { } p) sides.Add(new DfaExpr(p));
        if (Side(magnitude, negative) is { } n) sides.Add(Expr.Seq(Expr.Byte('-'), new DfaExpr(n)));
        return sides.Count == 0 ? null : Expr.Alt(sides);
    }

    private static Dfa? Side(Dfa magnitude, List<Expr>? constraints)
    {
        if (constraints is null) return null;
        var dfa = magnitude;
        foreach (var constraint in constraints) dfa = DfaAlgebra.Intersect(dfa, DfaAlgebra.Compile(constraint));
        return dfa.AcceptsSomething() ? dfa : null;
    }

    /// <summary>Magnitudes (unsigned decimal texts) greater than the bound's, or equal when it is inclusive.</summary>
    private static Expr Above(DecimalBound bound)
    {
        string i = bound.Integer;
        var options = new List<Expr> { Expr.Seq(Digit(1, 9), Expr.Repeat(Digit(0, 9), i.Length, null), AnyFraction) };
        for (int k = 0; k < i.Length; k++)
            if (i[k] < '9')
                options.Add(Expr.Seq(Expr.Text(i[..k]), Digit(i[k] - '0' + 1, 9), Expr.Repeat(Digit(0, 9), i.Length - k - 1, i.Length - k - 1), AnyFraction));
        options.Add(Expr.Seq(Expr.Text(i), FractionAbove(bound.Fraction, bound.Exclusive)));
        return Expr.Alt(options);
    }

    /// <summary>Magnitudes less than the bound's, or equal when it is inclusive.</summary>
    private static Expr Below(DecimalBound bound)
    {
        string i = bound.Integer;
        var options = new List<Expr>();
        if (i.Length >= 2) options.Add(Expr.Seq(Expr.Alt(Expr.Byte('0'), Expr.Seq(Digit(1, 9), Expr.Repeat(Digit(0, 9), 0, i.Length - 2))), AnyFraction));
        for (int k = 0; k < i.Length; k++)
        {
            int low = k == 0 && i.Length > 1 ? 1 : 0, high = i[k] - '0' - 1;
            if (high >= low)
                options.Add(Expr.Seq(Expr.Text(i[..k]), Digit(low, high), Expr.Repeat(Digit(0, 9), i.Length - k - 1, i.Length - k - 1), AnyFraction));
        }
        options.Add(Expr.Seq(Expr.Text(i), FractionBelow(bound.Fraction, bound.Exclusive)));
        return Expr.Alt(options);
    }

    /// <summary>Fraction parts (possibly none) with 0.f above 0.<paramref name="f"/> (or equal unless strict).</summary>
    private static Expr FractionAbove(string f, bool strict)
    {
        var point = Expr.Byte('.');
        if (f.Length == 0) return strict ? Expr.Seq(point, AnyDigits, Digit(1, 9), AnyDigits) : AnyFraction;
        var options = new List<Expr>();
        for (int k = 0; k < f.Length; k++)
            if (f[k] < '9') options.Add(Expr.Seq(point, Expr.Text(f[..k]), Digit(f[k] - '0' + 1, 9), AnyDigits));
        options.Add(strict ? Expr.Seq(point, Expr.Text(f), AnyDigits, Digit(1, 9), AnyDigits) : Expr.Seq(point, Expr.Text(f), AnyDigits));
        return Expr.Alt(options);
    }

    /// <summary>Fraction parts (possibly none) with 0.f below 0.<paramref name="f"/> (or equal unless strict).
    /// <paramref name="f"/> has no trailing zero, so its prefixes followed by zeros are below it.</summary>
    private static Expr FractionBelow(string f, bool strict)
    {
        var point = Expr.Byte('.');
        var zeros = Expr.Star(Expr.Byte('0'));
        if (f.Length == 0) return strict ? Expr.Nothing : Expr.Optional(Expr.Seq(point, Expr.Byte('0'), zeros));
        var options = new List<Expr> { Expr.Empty, Expr.Seq(point, Expr.Byte('0'), zeros) };
        for (int k = 0; k < f.Length; k++)
        {
            if (f[k] > '0') options.Add(Expr.Seq(point, Expr.Text(f[..k]), Digit(0, f[k] - '0' - 1), AnyDigits));
            if (k > 0) options.Add(Expr.Seq(point, Expr.Text(f[..k]), zeros));
        }
        if (!strict) options.Add(Expr.Seq(point, Expr.Text(f), zeros));
        return Expr.Alt(options);
    }

    private static Expr Digit(int low, int high) => Expr.Byte(ByteSet.Range('0' + low, '0' + high));
}
