using System.Globalization;
using System.Text.Json;

namespace Engine.StructuredOutput.Json;

/// <summary>
/// A schema's numeric bound as exact decimal digits (never a double, so 0.1 stays 0.1): its sign, integer digits
/// without leading zeros ("0" for none) and fraction digits without trailing zeros.
/// </summary>
internal sealed record DecimalBound(bool Negative, string Integer, string Fraction, bool Exclusive)
{
    private const int MaxExponent = 400;

    /// <summary>Orders the values (exclusiveness aside).</summary>
    public int CompareTo(DecimalBound other)
    {
        if (Negative != other.Negative) return Negative ? -1 : 1;
        int magnitude = Integer.Length != other.Integer.Length
            ? Integer.Length.CompareTo(other.Integer.Length)
            : string.CompareOrdinal(Integer + "." + Fraction, other.Integer + "." + other.Fraction);
        return Negative ? -magnitude : magnitude;
    }

    /// <summary>Reads a JSON number's text (e.g. "-1.50", "2e3"); null when the exponent is beyond ±400.</summary>
    public static DecimalBound? Parse(JsonElement number, bool exclusive)
    {
        string text = number.GetRawText();
        bool negative = text.StartsWith('-');
        if (negative) text = text[1..];
        int e = text.IndexOfAny(['e', 'E']);
        int exponent = 0;
        if (e >= 0)
        {
            if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > MaxExponent)
                return null;
            text = text[..e];
        }
        int dot = text.IndexOf('.');
        string digits = dot < 0 ? text : text[..dot] + text[(dot + 1)..];
        int point = (dot < 0 ? text.Length : dot) + exponent;
        string integer = point <= 0 ? "0" : point >= digits.Length ? digits + new string('0', point - digits.Length) : digits[..point];
        string fraction = point <= 0 ? new string('0', -point) + digits : point >= digits.Length ? "" : digits[point..];
        integer = integer.TrimStart('0');
        fraction = fraction.TrimEnd('0');
        if (integer.Length == 0) integer = "0";
        return new DecimalBound(negative && !(integer == "0" && fraction.Length == 0), integer, fraction, exclusive);
    }
}
