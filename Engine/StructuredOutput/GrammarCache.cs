namespace Engine.StructuredOutput;

/// <summary>
/// The compiled grammars an engine keeps, by <see cref="Grammar.Key"/>, least recently used dropped first: a client
/// that sends the same schema again (tools, a fixed response format) reuses its automata and its mask cache. Requests
/// that arrive together with a new grammar wait for one compilation instead of each compiling it.
/// </summary>
public sealed class GrammarCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, Lazy<CompiledGrammar> Grammar)>> _byKey = [];
    private readonly LinkedList<(string Key, Lazy<CompiledGrammar> Grammar)> _recent = new();

    public int Count
    {
        get
        {
            lock (_byKey) return _byKey.Count;
        }
    }

    /// <summary>The cached grammar for <paramref name="key"/>, or the one <paramref name="compile"/> makes (outside the
    /// lock, once however many ask for it meanwhile). A grammar that fails to compile is not kept.</summary>
    public CompiledGrammar GetOrAdd(string key, Func<CompiledGrammar> compile)
    {
        Lazy<CompiledGrammar> grammar;
        lock (_byKey)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                grammar = node.Value.Grammar;
            }
            else
            {
                grammar = new Lazy<CompiledGrammar>(compile, LazyThreadSafetyMode.ExecutionAndPublication);
                _byKey[key] = _recent.AddFirst((key, grammar));
                while (_byKey.Count > capacity)
                {
                    _byKey.Remove(_recent.Last!.Value.Key);
                    _recent.RemoveLast();
                }
            }
        }
        try
        {
            return grammar.Value;
        }
        catch
        {
            lock (_byKey)
                if (_byKey.TryGetValue(key, out var node) && ReferenceEquals(node.Value.Grammar, grammar))
                {
                    _byKey.Remove(key);
                    _recent.Remove(node);
                }
            throw;
        }
    }
}
