using System.Text.Json;
using Engine.StructuredOutput;
using Engine.StructuredOutput.Matching;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// The cached, trie-walked masks against brute force: along random walks through each grammar, for every vocabulary,
/// the mask is exactly the set of tokens whose bytes the matcher can read from where it is (checked token by token,
/// without the trie or the cache), including tokens that span several rules of a recursive grammar; and the
/// budget mask is exactly the tokens that keep the output completable in time.
/// </summary>
public class MaskTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var vocabulary in Vocabularies.Names)
            foreach (var grammar in new[] { "json_object", "refs-recursive", "any-of", "patterns-formats", "regex" })
                data.Add(vocabulary, grammar);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mask_IsExactlyTheTokensTheMatcherCanRead(string vocabulary, string name)
    {
        var (_, tokens) = Vocabularies.Get(vocabulary);
        var grammar = GrammarCompiler.Compile(name switch
        {
            "json_object" => Grammar.JsonObject,
            "regex" => Grammar.Regex("(\"[a-z ]{1,12}\"|[0-9]+)(, ?(\"[a-z ]{1,12}\"|[0-9]+)){0,4}\\."),
            _ => Grammar.Json(JsonDocument.Parse(StructuredOutputCases.Schemas[name]).RootElement),
        }, tokens);
        var random = new Random(name.Length);
        int steps = vocabulary == "stories260K" ? 60 : 12;
        var mask = new ulong[tokens.Words];
        var within = new ulong[tokens.Words];
        var matcher = new GrammarMatcher(grammar);
        for (int step = 0; step < steps; step++)
        {
            matcher.FillMask(mask);
            int limit = random.Next(0, 12);
            matcher.FillMaskWithin(within, limit);
            var allowed = new List<int>();
            for (int t = 0; t < tokens.Size; t++)
            {
                int? after = matcher.DistanceAfter(t);
                Assert.True(TokenMask.Get(mask, t) == after is not null, $"step {step}, token {t}: mask {TokenMask.Get(mask, t)}, matcher {after is not null}");
                bool fits = after is int d && (d <= limit || d + matcher.TokenLength(t) <= matcher.Distance);
                Assert.True(TokenMask.Get(within, t) == fits, $"step {step}, token {t}: budget mask {TokenMask.Get(within, t)}, expected {fits}");
                if (after is not null) allowed.Add(t);
            }
            if (allowed.Count == 0) matcher = new GrammarMatcher(grammar);   // complete: start over
            else Assert.True(matcher.Accept(allowed[random.Next(allowed.Count)]));
        }
    }
}
