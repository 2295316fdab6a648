namespace ModelCacheService.Pulls;

/// <summary>The pull store of a single replica (no Redis configured): everything in this process.</summary>
public sealed class InMemoryPullStore(TimeProvider time) : IPullStore
{
    private const int MaxKept = 500;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string PullId, DateTimeOffset Until)> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PullState> _states = new(StringComparer.Ordinal);

    public Task<string> ClaimAsync(string key, string pullId, TimeSpan lease)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_claims.TryGetValue(key, out var claim) && claim.Until > now) return Task.FromResult(claim.PullId);
            _claims[key] = (pullId, now + lease);
            return Task.FromResult(pullId);
        }
    }

    public Task RenewAsync(string key, string pullId, TimeSpan lease)
    {
        lock (_lock)
            if (_claims.TryGetValue(key, out var claim) && claim.PullId == pullId) _claims[key] = (pullId, time.GetUtcNow() + lease);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string key, string pullId)
    {
        lock (_lock)
            if (_claims.TryGetValue(key, out var claim) && claim.PullId == pullId) _claims.Remove(key);
        return Task.CompletedTask;
    }

    public Task SaveAsync(PullState state)
    {
        lock (_lock)
        {
            _states[state.Id] = state;
            if (_states.Count > MaxKept)
                foreach (var old in _states.Values.Where(s => s.IsFinished).OrderBy(s => s.CreatedAt).Take(_states.Count - MaxKept).ToList())
                    _states.Remove(old.Id);
        }
        return Task.CompletedTask;
    }

    public Task<PullState?> GetAsync(string pullId)
    {
        lock (_lock) return Task.FromResult(_states.GetValueOrDefault(pullId));
    }

    public Task<IReadOnlyList<PullState>> ListAsync()
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<PullState>>(_states.Values.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).ToList());
    }
}
