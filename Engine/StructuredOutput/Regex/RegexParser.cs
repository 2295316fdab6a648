using System.Globalization;
using Engine.StructuredOutput.Automata;

namespace Engine.StructuredOutput.Regex;

/// <summary>
/// Parses the regex subset that all of JavaScript, Python and .NET read the same way into an <see cref="Expr"/>:
/// literals, escapes (\d \w \s and negations, \t \n \r \f \v \0 \xHH \uHHHH, escaped punctuation), classes with
/// ranges and negation, '.', groups (capturing, (?:), named), alternation, and the quantifiers * + ? {n} {n,} {n,m}
/// (lazy forms too). '^' and '$' may only open and close a top-level alternative. Anything else (lookaround,
/// backreferences, \b, \p{..}, inline flags) is refused with a <see cref="GrammarException"/> naming it.
/// </summary>
internal sealed class RegexParser
{
    /// <summary>The largest repetition count accepted in {n,m}.</summary>
    public const int MaxRepeat = 1000;

    private readonly string _pattern;
    private readonly Func<CodePointSet, Expr> _encode;
    private int _at;

    private RegexParser(string pattern, Func<CodePointSet, Expr> encode)
    {
        _pattern = pattern;
        _encode = encode;
    }

    /// <summary>
    /// The strings matching <paramref name="pattern"/>, each character written by <paramref name="encode"/> (plain
    /// UTF-8, or JSON string escapes). <paramref name="search"/>: the pattern may match anywhere in the string (JSON
    /// Schema's "pattern"), so an alternative without '^' / '$' gets any text before / after it; otherwise the whole
    /// string must match.
    /// </summary>
    public static Expr Parse(string pattern, Func<CodePointSet, Expr> encode, bool search)
    {
        var parser = new RegexParser(pattern, encode);
        var alternatives = new List<Expr>();
        do
        {
            bool anchoredStart = parser.Eat('^');
            var body = parser.ParseConcat(topLevel: true, out bool anchoredEnd);
            var any = Expr.Star(encode(CodePointSet.All));
            alternatives.Add(search ? Expr.Seq(anchoredStart ? Expr.Empty : any, body, anchoredEnd ? Expr.Empty : any) : body);
        }
        while (parser.Eat('|'));
        if (parser._at < pattern.Length) throw parser.Error("unbalanced ')'");
        return Expr.Alt(alternatives);
    }

    private Expr ParseAlternation()
    {
        var options = new List<Expr> { ParseConcat(topLevel: false, out _) };
        while (Eat('|')) options.Add(ParseConcat(topLevel: false, out _));
        return Expr.Alt(options);
    }

    private Expr ParseConcat(bool topLevel, out bool anchoredEnd)
    {
        var parts = new List<Expr>();
        anchoredEnd = false;
        while (_at < _pattern.Length && Peek != '|' && Peek != ')')
        {
            if (Peek == '$')
            {
                _at++;
                if (!topLevel || (_at < _pattern.Length && Peek != '|')) throw Error("'$' is only supported at the end of the pattern");
                anchoredEnd = true;
                break;
            }
            if (Peek == '^') throw Error("'^' is only supported at the start of the pattern");
            parts.Add(ParseQuantified());
        }
        return Expr.Seq(parts);
    }

    private Expr ParseQuantified()
    {
        bool supplementary = char.IsHighSurrogate(Peek);
        var atom = ParseAtom();
        int start = _at;
        if (_at >= _pattern.Length) return atom;
        (int Min, int? Max)? quantifier = Peek switch
        {
            '*' when Advance() => (0, null),
            '+' when Advance() => (1, null),
            '?' when Advance() => (0, 1),
            '{' => ParseBraces(),
            _ => null,
        };
        if (quantifier is not var (min, max)) return atom;
        if (supplementary) throw Error("a quantifier after a character outside the BMP repeats only its second UTF-16 unit in .NET and JavaScript: write it as a group, e.g. (😀)+", start);
        if (_at < _pattern.Length && Peek == '?') _at++;   // lazy: the same strings
        else if (_at < _pattern.Length && Peek == '+') throw Error("possessive quantifiers are not supported");
        if (_at < _pattern.Length && Peek is '*' or '+' or '?' or '{' && ParseBracesAhead()) throw Error("nested quantifier", start);
        return Expr.Repeat(atom, min, max);
    }

    private bool ParseBracesAhead() => Peek != '{' || TryBraces(_at, out _, out _, out _);

    /// <summary>{n}, {n,} or {n,m}; a '{' that is not one is a literal, as in .NET and JavaScript.</summary>
    private (int, int?)? ParseBraces()
    {
        if (!TryBraces(_at, out int min, out int? max, out int end)) return null;
        if (min > MaxRepeat || max > MaxRepeat) throw Error($"repetition counts above {MaxRepeat} are not supported");
        if (max < min) throw Error("a repetition's maximum is below its minimum");
        _at = end;
        return (min, max);
    }

    private bool TryBraces(int at, out int min, out int? max, out int end)
    {
        (min, max, end) = (0, null, at);
        int close = _pattern.IndexOf('}', at);
        if (close < 0) return false;
        var parts = _pattern[(at + 1)..close].Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min)) return false;
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int m)) return false;
            max = m;
        }
        else if (parts.Length == 1) max = min;
        end = close + 1;
        return true;
    }

    private Expr ParseAtom()
    {
        char c = Peek;
        int start = _at++;
        switch (c)
        {
            case '(':
                if (Eat('?'))
                {
                    if (Eat(':')) { }
                    else if (_pattern.AsSpan(_at).StartsWith("<") && !_pattern.AsSpan(_at).StartsWith("<=") && !_pattern.AsSpan(_at).StartsWith("<!")
                        || _pattern.AsSpan(_at).StartsWith("P<"))
                    {
                        int close = _pattern.IndexOf('>', _at);
                        if (close < 0) throw Error("unterminated group name");
                        _at = close + 1;
                    }
                    else throw Error("lookaround, inline flags and other '(?' groups are not supported", start);
                }
                var inner = ParseAlternation();
                if (!Eat(')')) throw Error("missing ')'");
                return inner;
            case '[':
                return _encode(ParseClass().Narrow);
            case '.':
                return _encode(CharClass.Dot.Narrow);
            case '\\':
                return ParseEscape(inClass: false) is { } escape ? _encode(escape.Narrow) : throw Error("unsupported escape", start);
            case '*' or '+' or '?':
                throw Error("nothing to repeat", start);
            case ')':
                throw Error("unbalanced ')'", start);
            default:
                _at = start;
                return _encode(CodePointSet.Char(ReadCodePoint()));
        }
    }

    private CharClass ParseClass()
    {
        int start = _at - 1;
        bool negated = Eat('^');
        if (_at < _pattern.Length && Peek == ']') throw Error("an empty class ('[]') reads differently in .NET and JavaScript", start);
        var result = CharClass.Of(CodePointSet.Empty);
        while (true)
        {
            if (_at >= _pattern.Length) throw Error("missing ']'", start);
            if (Eat(']')) break;
            var item = ClassAtom();
            if (_at + 1 < _pattern.Length && Peek == '-' && _pattern[_at + 1] != ']')
            {
                _at++;
                var upper = ClassAtom();
                if (item.Narrow.Ranges is not [var (low, l2)] || low != l2 || upper.Narrow.Ranges is not [var (high, h2)] || high != h2)
                    throw Error("a class range needs single characters at both ends");
                if (high < low) throw Error("a class range is out of order");
                item = CharClass.Of(CodePointSet.Of((low, high)));
            }
            result = result.Union(item);
        }
        return negated ? result.Negate() : result;
    }

    private CharClass ClassAtom()
    {
        int start = _at;
        if (Peek != '\\')
        {
            int cp = ReadCodePoint();
            if (cp > 0xFFFF) throw Error("characters outside the BMP inside a class match as two UTF-16 units in .NET", start);
            return CharClass.Char(cp);
        }
        _at++;
        return ParseEscape(inClass: true) ?? throw Error("unsupported escape", start);
    }

    /// <summary>After a backslash: the class it stands for, or null when it is not supported.</summary>
    private CharClass? ParseEscape(bool inClass)
    {
        if (_at >= _pattern.Length) throw Error("the pattern ends with '\\'");
        char c = _pattern[_at++];
        return c switch
        {
            'd' => CharClass.Digit,
            'D' => CharClass.Digit.Negate(),
            'w' => CharClass.Word,
            'W' => CharClass.Word.Negate(),
            's' => CharClass.Space,
            'S' => CharClass.Space.Negate(),
            't' => CharClass.Char('\t'),
            'n' => CharClass.Char('\n'),
            'r' => CharClass.Char('\r'),
            'f' => CharClass.Char('\f'),
            'v' => CharClass.Char('\v'),
            'b' when inClass => CharClass.Char('\b'),
            '0' when _at >= _pattern.Length || !char.IsAsciiDigit(Peek) => CharClass.Char(0),
            'x' => CharClass.Char(Hex(2)),
            'u' when _at < _pattern.Length && Peek != '{' => CharClass.Char(Hex(4)),
            _ when char.IsAsciiLetterOrDigit(c) => null,
            _ => CharClass.Char(c),
        };
    }

    private int Hex(int digits)
    {
        if (_at + digits > _pattern.Length || !int.TryParse(_pattern.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int value))
            throw Error($"expected {digits} hex digits");
        _at += digits;
        if (value is >= 0xD800 and <= 0xDFFF) throw Error("escaped surrogates are not supported");
        return value;
    }

    private int ReadCodePoint()
    {
        if (char.IsSurrogatePair(_pattern, _at))
        {
            int cp = char.ConvertToUtf32(_pattern, _at);
            _at += 2;
            return cp;
        }
        char c = _pattern[_at++];
        return char.IsSurrogate(c) ? throw Error("a lone surrogate", _at - 1) : c;
    }

    private char Peek => _pattern[_at];

    private bool Advance()
    {
        _at++;
        return true;
    }

    private bool Eat(char c)
    {
        if (_at < _pattern.Length && _pattern[_at] == c)
        {
            _at++;
            return true;
        }
        return false;
    }

    private GrammarException Error(string what, int? at = null) =>
        new($"Regex '{_pattern}': {what} (at offset {at ?? _at}).");
}
