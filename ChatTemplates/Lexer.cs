using System.Globalization;
using System.Text;

namespace ChatTemplates;

/// <summary>
/// Turns template source into tokens the way Jinja2's lexer does with Hugging Face's settings
/// (trim_blocks, lstrip_blocks, keep_trailing_newline off). Comments vanish here; whitespace control
/// (<c>{%-</c>, <c>-%}</c>, <c>{%+</c>, <c>+%}</c>) is applied to the neighbouring data here too, so
/// the parser only sees data, tag delimiters and expression tokens.
/// </summary>
internal sealed class Lexer
{
    // Longest first so "**" wins over "*".
    private static readonly string[] Operators =
    [
        "**", "//", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    private readonly string _src;
    private readonly List<int> _lineStarts = [0];
    private readonly List<Token> _tokens = [];
    private int _pos;
    // Jinja's lstrip_blocks also strips indentation before a tag at the very start of the text that
    // follows a tag which ended with a newline.
    private bool _lineStarting = true;

    private Lexer(string source)
    {
        _src = NormalizeNewlines(source);
        for (var i = 0; i < _src.Length; i++)
            if (_src[i] == '\n') _lineStarts.Add(i + 1);
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    // Jinja turns \r\n and \r into \n and drops one trailing newline (keep_trailing_newline=False).
    private static string NormalizeNewlines(string s)
    {
        s = s.Replace("\r\n", "\n").Replace('\r', '\n');
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    private int LineAt(int pos)
    {
        var i = _lineStarts.BinarySearch(pos);
        return (i >= 0 ? i : ~i - 1) + 1;
    }

    private TemplateException Error(string message, int pos) => TemplateException.Syntax(message, LineAt(pos));

    private void Run()
    {
        while (_pos < _src.Length)
        {
            var tag = FindTagStart(_pos);
            if (tag < 0)
            {
                AddData(_src[_pos..], _pos);
                return;
            }

            var kind = _src[tag + 1];
            var sign = tag + 2 < _src.Length && _src[tag + 2] is '-' or '+' ? _src[tag + 2] : '\0';
            var text = ApplyLeftWhitespaceControl(_src[_pos..tag], kind, sign);
            AddData(text, _pos);
            _pos = tag + 2 + (sign == '\0' ? 0 : 1);

            switch (kind)
            {
                case '#':
                    SkipComment();
                    break;
                case '{':
                    LexTag(TokenKind.VariableBegin, TokenKind.VariableEnd, tag);
                    break;
                default:
                    if (!TryLexRaw(tag)) LexTag(TokenKind.BlockBegin, TokenKind.BlockEnd, tag);
                    break;
            }
        }
    }

    private int FindTagStart(int from)
    {
        for (var i = _src.IndexOf('{', from); i >= 0 && i + 1 < _src.Length; i = _src.IndexOf('{', i + 1))
            if (_src[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    private void AddData(string text, int pos)
    {
        if (text.Length > 0) _tokens.Add(new Token(TokenKind.Data, text, LineAt(pos)));
    }

    /// <summary>'-' strips all whitespace before the tag; lstrip_blocks strips a block or comment tag's
    /// indentation when only whitespace precedes it on its line; '+' keeps everything.</summary>
    private string ApplyLeftWhitespaceControl(string text, char kind, char sign)
    {
        if (sign == '-') return PyStr.RStrip(text);
        if (sign == '+' || kind == '{') return text;
        var lineStart = text.LastIndexOf('\n') + 1;
        if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && PyStr.AllSpace(text.AsSpan(lineStart)))
            return text[..lineStart];
        return text;
    }

    /// <summary>After a closing delimiter: '-' eats all following whitespace, '+' nothing, and a plain
    /// block or comment end eats one newline (trim_blocks).</summary>
    private void ApplyRightWhitespaceControl(char sign, bool trimBlock)
    {
        var start = _pos;
        if (sign == '-')
            while (_pos < _src.Length && PyStr.IsSpace(_src[_pos])) _pos++;
        else if (sign != '+' && trimBlock && _pos < _src.Length && _src[_pos] == '\n')
            _pos++;
        _lineStarting = _pos > start ? _src[_pos - 1] == '\n' : false;
    }

    private void SkipComment()
    {
        var end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0) throw Error("Missing end of comment tag", _pos);
        var sign = end - 1 >= _pos && _src[end - 1] is '-' or '+' ? _src[end - 1] : '\0';
        _pos = end + 2;
        ApplyRightWhitespaceControl(sign, trimBlock: true);
    }

    /// <summary>{% raw %}...{% endraw %}: the content is data, untouched except for whitespace control
    /// at its edges.</summary>
    private bool TryLexRaw(int tagStart)
    {
        var p = SkipSpaces(_pos);
        if (!IsWordAt(p, "raw")) return false;
        p = SkipSpaces(p + 3);
        char sign;
        if (At(p, "-%}")) sign = '-';
        else if (At(p, "%}")) sign = '\0';
        else return false;
        _pos = p + (sign == '-' ? 3 : 2);
        if (sign == '-') ApplyRightWhitespaceControl('-', trimBlock: false);
        else _lineStarting = false;

        for (var search = _pos; ;)
        {
            var end = _src.IndexOf("{%", search, StringComparison.Ordinal);
            if (end < 0) throw Error("Missing end of raw directive", tagStart);
            var endSign = end + 2 < _src.Length && _src[end + 2] is '-' or '+' ? _src[end + 2] : '\0';
            var q = SkipSpaces(end + 2 + (endSign == '\0' ? 0 : 1));
            if (!IsWordAt(q, "endraw")) { search = end + 2; continue; }
            q = SkipSpaces(q + 6);
            var closeSign = q < _src.Length && _src[q] is '-' or '+' ? _src[q] : '\0';
            if (!At(q + (closeSign == '\0' ? 0 : 1), "%}")) { search = end + 2; continue; }
            AddData(ApplyLeftWhitespaceControl(_src[_pos..end], '%', endSign), _pos);
            _pos = q + (closeSign == '\0' ? 0 : 1) + 2;
            ApplyRightWhitespaceControl(closeSign, trimBlock: true);
            return true;
        }
    }

    private void LexTag(TokenKind begin, TokenKind end, int tagStart)
    {
        _tokens.Add(new Token(begin, begin == TokenKind.BlockBegin ? "{%" : "{{", LineAt(tagStart)));
        var closer = end == TokenKind.BlockEnd ? "%}" : "}}";
        var brackets = new Stack<char>();
        while (true)
        {
            _pos = SkipSpaces(_pos);
            if (_pos >= _src.Length) throw Error("unexpected end of template", tagStart);

            // Inside open brackets "}}" is two closing braces, not the end of the tag.
            if (brackets.Count == 0)
            {
                var sign = _src[_pos] is '-' or '+' ? _src[_pos] : '\0';
                if (sign == '+' && end == TokenKind.VariableEnd) sign = '\0';
                if (At(_pos + (sign == '\0' ? 0 : 1), closer))
                {
                    _tokens.Add(new Token(end, closer, LineAt(_pos)));
                    _pos += closer.Length + (sign == '\0' ? 0 : 1);
                    ApplyRightWhitespaceControl(sign, trimBlock: end == TokenKind.BlockEnd);
                    return;
                }
            }

            var line = LineAt(_pos);
            var c = _src[_pos];
            if (char.IsAsciiDigit(c)) _tokens.Add(LexNumber(line));
            else if (c == '_' || char.IsLetter(c)) _tokens.Add(LexName(line));
            else if (c is '\'' or '"') _tokens.Add(LexString(line));
            else
            {
                var op = Operators.FirstOrDefault(o => At(_pos, o)) ?? throw Error($"unexpected char '{c}' at {_pos}", _pos);
                if (op is "(" or "[" or "{") brackets.Push(op switch { "(" => ')', "[" => ']', _ => '}' });
                else if (op is ")" or "]" or "}")
                {
                    if (brackets.Count == 0) throw Error($"unexpected '{op}'", _pos);
                    var expected = brackets.Pop();
                    if (expected != op[0]) throw Error($"unexpected '{op}', expected '{expected}'", _pos);
                }
                _tokens.Add(new Token(TokenKind.Operator, op, line));
                _pos += op.Length;
            }
        }
    }

    private Token LexName(int line)
    {
        var start = _pos;
        while (_pos < _src.Length && (_src[_pos] == '_' || char.IsLetterOrDigit(_src[_pos]))) _pos++;
        return new Token(TokenKind.Name, _src[start.._pos], line);
    }

    private Token LexNumber(int line)
    {
        var start = _pos;
        if (_src[_pos] == '0' && _pos + 1 < _src.Length && char.ToLowerInvariant(_src[_pos + 1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(_src[_pos + 1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            _pos += 2;
            var digitsStart = _pos;
            while (_pos < _src.Length && (Uri.IsHexDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            var digits = _src[digitsStart.._pos].Replace("_", "");
            try { return new Token(TokenKind.Integer, Convert.ToInt64(digits, radix), line); }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            { throw Error($"invalid number literal '{_src[start.._pos]}'", start); }
        }

        SkipDigits();
        var isFloat = false;
        // A fraction needs digits after the dot ("1.x" is attribute access), and a number right after a
        // dot ("a.0.1") is an index, never a float (Jinja's (?<!\.) look-behind).
        var afterDot = start > 0 && _src[start - 1] == '.';
        if (!afterDot && _pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }
        if (!afterDot && _pos < _src.Length && _src[_pos] is 'e' or 'E')
        {
            var p = _pos + 1;
            if (p < _src.Length && _src[p] is '+' or '-') p++;
            if (p < _src.Length && char.IsAsciiDigit(_src[p]))
            {
                isFloat = true;
                _pos = p;
                SkipDigits();
            }
        }

        var text = _src[start.._pos].Replace("_", "");
        if (isFloat) return new Token(TokenKind.Float, double.Parse(text, CultureInfo.InvariantCulture), line);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? new Token(TokenKind.Integer, n, line)
            : new Token(TokenKind.Float, double.Parse(text, CultureInfo.InvariantCulture), line);
    }

    private void SkipDigits()
    {
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || (_src[_pos] == '_' && _pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))))
            _pos++;
    }

    private Token LexString(int line)
    {
        var quote = _src[_pos];
        var start = _pos++;
        while (_pos < _src.Length && _src[_pos] != quote)
            _pos += _src[_pos] == '\\' ? 2 : 1;
        if (_pos >= _src.Length) throw Error("unexpected end of string", start);
        var raw = _src[(start + 1).._pos];
        _pos++;
        return new Token(TokenKind.String, Unescape(raw, start), line);
    }

    /// <summary>Python's "unicode-escape" decoding, which is what Jinja applies to string literals.</summary>
    private string Unescape(string s, int pos)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            var c = s[++i];
            switch (c)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': sb.Append(HexEscape(s, ref i, 2, pos)); break;
                case 'u': sb.Append(HexEscape(s, ref i, 4, pos)); break;
                case 'U': sb.Append(HexEscape(s, ref i, 8, pos)); break;
                case 'N': throw Error("malformed \\N character escape", pos);
                case >= '0' and <= '7':
                    var value = 0;
                    var n = 0;
                    for (; n < 3 && i < s.Length && s[i] is >= '0' and <= '7'; n++, i++) value = value * 8 + (s[i] - '0');
                    i--;
                    sb.Append(char.ConvertFromUtf32(value));
                    break;
                default: sb.Append('\\').Append(c); break;
            }
        }
        return sb.ToString();
    }

    private string HexEscape(string s, ref int i, int digits, int pos)
    {
        var hex = i + digits < s.Length ? s.Substring(i + 1, digits) : "";
        if (hex.Length != digits || !int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > 0x10FFFF)
            throw Error("truncated or invalid escape in string literal", pos);
        i += digits;
        return cp is >= 0xD800 and <= 0xDFFF ? ((char)cp).ToString() : char.ConvertFromUtf32(cp);
    }

    private int SkipSpaces(int p)
    {
        while (p < _src.Length && PyStr.IsSpace(_src[p])) p++;
        return p;
    }

    private bool At(int p, string s) => p >= 0 && p + s.Length <= _src.Length && string.CompareOrdinal(_src, p, s, 0, s.Length) == 0;

    private bool IsWordAt(int p, string word) =>
        At(p, word) && (p + word.Length >= _src.Length || !(char.IsLetterOrDigit(_src[p + word.Length]) || _src[p + word.Length] == '_'));
}
