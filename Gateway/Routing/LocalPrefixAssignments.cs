using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>
/// <see cref="IPrefixAssignments"/> in this process: a table of at most <see cref="GatewayOptions.PrefixAffinityMaxPrefixes"/>
/// prefixes, least recently used first out. Since each use refreshes a prefix's expiry, the least recently used are also the
/// first to expire, so expired entries are purged from that end.
/// </summary>
public sealed class LocalPrefixAssignments(GatewayOptions options, TimeProvider time) : IPrefixAssignments
{
    private sealed record Entry(string PrefixKey, string Replica, DateTimeOffset ExpiresAt);

    private readonly Lock _lock = new();
    // Most recently used first.
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _prefixesPerReplica = new(StringComparer.Ordinal);

    public ValueTask<string> AssignAsync(string prefixKey, IReadOnlyList<string> candidates) => ValueTask.FromResult(Assign(prefixKey, candidates));

    private string Assign(string prefixKey, IReadOnlyList<string> candidates)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            while (_recency.Last is { } oldest && oldest.Value.ExpiresAt <= now) Remove(oldest);

            var replica = _entries.TryGetValue(prefixKey, out var node) && candidates.Contains(node.Value.Replica)
                ? node.Value.Replica
                : candidates.MinBy(c => _prefixesPerReplica.GetValueOrDefault(c))!;
            if (node is not null) Remove(node);
            Add(new Entry(prefixKey, replica, now + options.PrefixAffinityTtl));
            if (_entries.Count > options.PrefixAffinityMaxPrefixes) Remove(_recency.Last!);
            return replica;
        }
    }

    private void Add(Entry entry)
    {
        _entries[entry.PrefixKey] = _recency.AddFirst(entry);
        _prefixesPerReplica[entry.Replica] = _prefixesPerReplica.GetValueOrDefault(entry.Replica) + 1;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.PrefixKey);
        if (--_prefixesPerReplica[node.Value.Replica] == 0) _prefixesPerReplica.Remove(node.Value.Replica);
    }
}
