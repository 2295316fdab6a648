using System.Globalization;
using System.Text.Json;
using Engine.StructuredOutput;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// Numbers with bounds against decimal arithmetic: for random inclusive/exclusive bounds and random number texts, a
/// text the grammar accepts is a well-formed JSON number within the bounds, and every plain decimal text (no
/// exponent, no leading zeros, at most 16 integer and 16 fraction digits) within the bounds is accepted.
/// </summary>
public class NumberBoundsTests
{
    [Theory]
    [InlineData("number", 1)]
    [InlineData("number", 2)]
    [InlineData("number", 3)]
    [InlineData("integer", 4)]
    [InlineData("integer", 5)]
    public void RandomBounds_AcceptExactlyTheNumbersBetweenThem(string type, int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 12; round++)
        {
            var schema = new Dictionary<string, object> { ["type"] = type };
            var bounds = new List<(string Keyword, decimal Value)>();
            foreach (var keyword in new[] { "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum" })
                if (random.Next(3) == 0)
                {
                    decimal value = RandomDecimal(random);
                    bounds.Add((keyword, value));
                    schema[keyword] = value;
                }
            CompiledGrammar grammar;
            try
            {
                grammar = ByteMatcher.Compile(Grammar.Json(JsonSerializer.SerializeToElement(schema)));
            }
            catch (GrammarException)
            {
                Assert.False(Enumerable.Range(0, 2000).Select(_ => RandomDecimal(random)).Any(v => Within(v, bounds) && (type == "number" || v == decimal.Truncate(v))),
                    $"refused as unsatisfiable, yet values fit: {JsonSerializer.Serialize(schema)}");
                continue;
            }
            for (int i = 0; i < 1500; i++)
            {
                string text = RandomNumberText(random);
                bool accepted = ByteMatcher.Matches(grammar, text);
                bool plain = IsPlain(text, integer: type == "integer");
                decimal value = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
                if (accepted) Assert.True(Within(value, bounds) && IsJsonNumber(text), $"{JsonSerializer.Serialize(schema)} accepted {text}");
                if (plain && Within(value, bounds) && !text.StartsWith("-0", StringComparison.Ordinal))
                    Assert.True(accepted, $"{JsonSerializer.Serialize(schema)} refused {text}");
            }
        }
    }

    private static bool Within(decimal value, List<(string Keyword, decimal Value)> bounds) => bounds.All(b => b.Keyword switch
    {
        "minimum" => value >= b.Value,
        "exclusiveMinimum" => value > b.Value,
        "maximum" => value <= b.Value,
        _ => value < b.Value,
    });

    private static decimal RandomDecimal(Random random) =>
        Math.Round((decimal)(random.NextDouble() - 0.5) * (decimal)Math.Pow(10, random.Next(0, 4)), random.Next(0, 4));

    /// <summary>Number texts near the interesting range: integers, decimals, trailing zeros, leading zeros, -0, exponents.</summary>
    private static string RandomNumberText(Random random)
    {
        string sign = random.Next(2) == 0 ? "-" : "";
        string integer = random.Next(8) == 0 ? "0" + random.Next(10) : random.Next(0, (int)Math.Pow(10, random.Next(1, 5))).ToString(CultureInfo.InvariantCulture);
        string fraction = random.Next(2) == 0 ? "" : "." + random.Next(0, 1000).ToString(random.Next(2) == 0 ? "D3" : "D1", CultureInfo.InvariantCulture);
        string exponent = random.Next(10) == 0 ? "e" + random.Next(-2, 3).ToString(CultureInfo.InvariantCulture) : "";
        return sign + integer + fraction + exponent;
    }

    private static bool IsJsonNumber(string text) => System.Text.RegularExpressions.Regex.IsMatch(text, @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$");

    private static bool IsPlain(string text, bool integer) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, integer ? @"^-?(0|[1-9][0-9]{0,15})$" : @"^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,16})?$");
}
