namespace Engine.StructuredOutput;

/// <summary>
/// The compiled grammars an engine keeps, by <see cref="Grammar.Key"/>, least recently used dropped first: a client
/// that sends the same schema again (tools, a fixed response format) reuses its automata and its mask cache.
/// </summary>
public sealed class GrammarCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, CompiledGrammar Grammar)>> _byKey = [];
    private readonly LinkedList<(string Key, CompiledGrammar Grammar)> _recent = new();

    public int Count
    {
        get
        {
            lock (_byKey) return _byKey.Count;
        }
    }

    /// <summary>The cached grammar for <paramref name="key"/>, or the one <paramref name="compile"/> makes (outside the lock).</summary>
    public CompiledGrammar GetOrAdd(string key, Func<CompiledGrammar> compile)
    {
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value.Grammar;
            }
        }
        var grammar = compile();
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var raced)) return raced.Value.Grammar;
            _byKey[key] = _recent.AddFirst((key, grammar));
            while (_byKey.Count > capacity)
            {
                _byKey.Remove(_recent.Last!.Value.Key);
                _recent.RemoveLast();
            }
        }
        return grammar;
    }
}
