using Engine.StructuredOutput.Automata;
using Engine.StructuredOutput.Json;
using Engine.StructuredOutput.Matching;
using Engine.StructuredOutput.Regex;

namespace Engine.StructuredOutput;

/// <summary>
/// Grammar → rules of byte expressions → one DFA per rule → checks → <see cref="CompiledGrammar"/>. The checks: no
/// rule may reach a call of itself without reading a byte (the stack would grow forever), and every state must be
/// able to finish: states that cannot are cut off, so a sequence never walks into a dead end, and a grammar nothing
/// can match is refused.
/// </summary>
public static class GrammarCompiler
{
    private const int Unreachable = int.MaxValue / 2;

    public static CompiledGrammar Compile(Grammar grammar, TokenVocabulary vocabulary)
    {
        var rules = new RuleSet();
        int root = rules.Reserve();
        rules.Define(root, Lower(grammar, rules));
        var builder = new NfaBuilder(rules.Add);
        var dfas = new List<Dfa>();
        for (int r = 0; r < rules.Count; r++) dfas.Add(Determinizer.Determinize(builder.Build(rules.Body(r))));

        var distances = Distances(dfas);
        if (distances[root][Dfa.Start] >= Unreachable) throw new GrammarException("Nothing can match the grammar (no finite output satisfies it).");
        var pruned = dfas.Select((dfa, r) => dfa.Pruned(
            s => distances[r][s] < Unreachable,
            call => distances[call.Rule][Dfa.Start] < Unreachable && distances[r][call.Target] < Unreachable)).ToArray();
        CheckLeftRecursion(pruned, distances);
        return new CompiledGrammar(pruned, distances, vocabulary);
    }

    private static Expr Lower(Grammar grammar, RuleSet rules) => grammar switch
    {
        Grammar.TextGrammar text => Expr.Text(text.Value),
        Grammar.RegexGrammar regex => RegexParser.Parse(regex.Pattern, Utf8Encoder.Encode, search: false),
        Grammar.JsonSchemaGrammar json => JsonSchemaLowering.Lower(json.Schema, rules),
        Grammar.JsonObjectGrammar => JsonSyntax.AnyObject(rules.AnyJsonValue),
        Grammar.ChoiceGrammar choice => Expr.Alt(choice.Options.Select(o => Lower(o, rules))),
        Grammar.SequenceGrammar sequence => Expr.Seq(sequence.Parts.Select(p => Lower(p, rules))),
        Grammar.RepeatGrammar repeat => Repeat(Lower(repeat.Item, rules), repeat.Min, repeat.Max, repeat.Separator is null ? null : Lower(repeat.Separator, rules)),
        _ => throw new InvalidOperationException($"Unknown grammar {grammar.GetType().Name}."),
    };

    private static Expr Repeat(Expr item, int min, int? max, Expr? separator)
    {
        if (separator is null) return Expr.Repeat(item, min, max);
        if (max == 0) return Expr.Empty;
        var list = Expr.Seq(item, Expr.Repeat(Expr.Seq(separator, item), Math.Max(0, min - 1), max - 1));
        return min == 0 ? Expr.Optional(list) : list;
    }

    /// <summary>For every rule and state, the fewest bytes to the end of the rule (a call costs its rule's shortest
    /// string), by relaxing until nothing changes; <see cref="Unreachable"/> where no end can be reached.</summary>
    private static int[][] Distances(List<Dfa> rules)
    {
        var distances = rules.Select(r => Enumerable.Repeat(Unreachable, r.StateCount).ToArray()).ToArray();
        // Who to look at again when a state's distance drops: byte and call predecessors, and the callers of a rule.
        var waiting = rules.Select(r => new List<(int Rule, int State)>[r.StateCount]).ToArray();
        void Wait(int rule, int state, (int, int) who) => (waiting[rule][state] ??= []).Add(who);
        var queue = new Queue<(int Rule, int State)>();
        for (int r = 0; r < rules.Count; r++)
            for (int s = 0; s < rules[r].StateCount; s++)
            {
                for (int c = 0; c < rules[r].ClassCount; c++)
                    if (rules[r].Next[s * rules[r].ClassCount + c] is int t and >= 0) Wait(r, t, (r, s));
                foreach (var call in rules[r].Calls[s])
                {
                    Wait(r, call.Target, (r, s));
                    Wait(call.Rule, Dfa.Start, (r, s));
                }
                if (rules[r].Accepting[s])
                {
                    distances[r][s] = 0;
                    queue.Enqueue((r, s));
                }
            }
        while (queue.TryDequeue(out var changed))
            foreach (var (r, s) in waiting[changed.Rule][changed.State] ?? [])
            {
                var dfa = rules[r];
                int best = distances[r][s];
                for (int c = 0; c < dfa.ClassCount; c++)
                    if (dfa.Next[s * dfa.ClassCount + c] is int t and >= 0) best = Math.Min(best, 1 + distances[r][t]);
                foreach (var call in dfa.Calls[s]) best = Math.Min(best, distances[call.Rule][Dfa.Start] + distances[r][call.Target]);
                if (best < distances[r][s])
                {
                    distances[r][s] = best;
                    queue.Enqueue((r, s));
                }
            }
        return distances;
    }

    /// <summary>Refuses a rule that can call itself, through calls of rules that may match nothing, before reading a byte.</summary>
    private static void CheckLeftRecursion(Dfa[] rules, int[][] distances)
    {
        // first[r]: the rules r may call before reading anything.
        var first = new HashSet<int>[rules.Length];
        for (int r = 0; r < rules.Length; r++)
        {
            first[r] = [];
            var seen = new HashSet<int> { Dfa.Start };
            var pending = new Stack<int>([Dfa.Start]);
            while (pending.TryPop(out int s))
                foreach (var call in rules[r].Calls[s])
                {
                    first[r].Add(call.Rule);
                    if (distances[call.Rule][Dfa.Start] == 0 && seen.Add(call.Target)) pending.Push(call.Target);
                }
        }
        for (int r = 0; r < rules.Length; r++)
        {
            var reach = new HashSet<int>();
            var pending = new Stack<int>(first[r]);
            while (pending.TryPop(out int q))
            {
                if (q == r) throw new GrammarException("The grammar is left-recursive: a definition refers to itself before any text (e.g. a $ref cycle through anyOf or allOf without an object or array in between).");
                if (reach.Add(q)) foreach (int next in first[q]) pending.Push(next);
            }
        }
    }
}
