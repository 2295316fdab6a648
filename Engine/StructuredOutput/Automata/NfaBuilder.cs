namespace Engine.StructuredOutput.Automata;

/// <summary>
/// Builds an <see cref="Nfa"/> from an <see cref="Expr"/>. Loops only ever connect states a construct created itself,
/// so alternatives can share their entry and exit states. A bounded repetition of a large body would copy the body
/// many times; past <see cref="InlineRepeatLimit"/> states the body becomes a rule of its own and the copies are calls.
/// </summary>
internal sealed class NfaBuilder(Func<Expr, int> addRule)
{
    /// <summary>States one rule's automaton may have before the grammar is refused as too large.</summary>
    public const int StateLimit = 400_000;

    private const long InlineRepeatLimit = 50_000;

    private readonly Dictionary<Expr, long> _sizes = new(ReferenceEqualityComparer.Instance);
    private Nfa _nfa = new();

    public Nfa Build(Expr expr)
    {
        _nfa = new Nfa();
        _nfa.Start = NewState();
        _nfa.Accept = NewState();
        Emit(expr, _nfa.Start, _nfa.Accept);
        return _nfa;
    }

    private int NewState()
    {
        if (_nfa.StateCount >= StateLimit)
            throw new GrammarException($"The grammar is too large to compile (more than {StateLimit} automaton states in one rule).");
        return _nfa.AddState();
    }

    private void Emit(Expr expr, int from, int to)
    {
        switch (expr)
        {
            case ByteExpr b:
                _nfa.AddEdge(from, NfaEdge.OnBytes(b.Set, to));
                break;
            case CallExpr call:
                _nfa.AddEdge(from, NfaEdge.Call(call.Rule, to));
                break;
            case SeqExpr seq:
                EmitSequence(seq.Parts, from, to);
                break;
            case AltExpr alt:
                foreach (var option in alt.Options) Emit(option, from, to);
                break;
            case RepeatExpr repeat:
                EmitRepeat(repeat, from, to);
                break;
            case DfaExpr dfa:
                EmitDfa(dfa.Automaton, from, to);
                break;
            default:
                throw new InvalidOperationException($"Unknown expression {expr.GetType().Name}.");
        }
    }

    private void EmitSequence(IReadOnlyList<Expr> parts, int from, int to)
    {
        if (parts.Count == 0)
        {
            _nfa.AddEdge(from, NfaEdge.Epsilon(to));
            return;
        }
        int current = from;
        for (int i = 0; i < parts.Count - 1; i++)
        {
            int next = NewState();
            Emit(parts[i], current, next);
            current = next;
        }
        Emit(parts[^1], current, to);
    }

    private void EmitRepeat(RepeatExpr repeat, int from, int to)
    {
        var body = repeat.Body;
        if (repeat.Max is int max && body is not CallExpr && Size(body) * max > InlineRepeatLimit) body = Expr.Call(addRule(body));
        int current = from;
        for (int i = 0; i < repeat.Min; i++)
        {
            int next = NewState();
            Emit(body, current, next);
            current = next;
        }
        if (repeat.Max is null)
        {
            // A loop between two fresh states: nothing else can enter it.
            int loopStart = NewState(), loopEnd = NewState();
            _nfa.AddEdge(current, NfaEdge.Epsilon(loopStart));
            Emit(body, loopStart, loopEnd);
            _nfa.AddEdge(loopEnd, NfaEdge.Epsilon(loopStart));
            _nfa.AddEdge(loopStart, NfaEdge.Epsilon(to));
            return;
        }
        for (int i = repeat.Min; i < repeat.Max; i++)
        {
            int next = NewState();
            _nfa.AddEdge(current, NfaEdge.Epsilon(to));
            Emit(body, current, next);
            current = next;
        }
        _nfa.AddEdge(current, NfaEdge.Epsilon(to));
    }

    private void EmitDfa(Dfa dfa, int from, int to)
    {
        var states = new int[dfa.StateCount];
        for (int s = 0; s < states.Length; s++) states[s] = NewState();
        _nfa.AddEdge(from, NfaEdge.Epsilon(states[Dfa.Start]));
        for (int s = 0; s < states.Length; s++)
        {
            for (int c = 0; c < dfa.ClassCount; c++)
                if (dfa.Next[s * dfa.ClassCount + c] is int target and >= 0)
                    _nfa.AddEdge(states[s], NfaEdge.OnBytes(dfa.ClassBytes(c), states[target]));
            foreach (var call in dfa.Calls[s]) _nfa.AddEdge(states[s], NfaEdge.Call(call.Rule, states[call.Target]));
            if (dfa.Accepting[s]) _nfa.AddEdge(states[s], NfaEdge.Epsilon(to));
        }
    }

    /// <summary>About how many NFA states the expression becomes.</summary>
    private long Size(Expr expr)
    {
        if (_sizes.TryGetValue(expr, out long size)) return size;
        size = expr switch
        {
            SeqExpr seq => seq.Parts.Sum(Size) + seq.Parts.Count,
            AltExpr alt => alt.Options.Sum(Size),
            RepeatExpr r => Math.Min(long.MaxValue / 4, (Size(r.Body) + 1) * ((long?)r.Max ?? r.Min + 2)),
            DfaExpr d => d.Automaton.StateCount,
            _ => 1,
        };
        _sizes[expr] = size;
        return size;
    }
}
