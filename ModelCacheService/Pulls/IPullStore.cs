namespace ModelCacheService.Pulls;

/// <summary>
/// Where pull states live and who runs which pull: in this process, or in Redis so every replica (and the
/// dashboard) sees the same pulls and a pull of one model runs once across replicas.
/// </summary>
public interface IPullStore
{
    /// <summary>
    /// Claims the running of the pull <paramref name="key"/> (model and revision) for <paramref name="pullId"/>
    /// for <paramref name="lease"/>; returns the id of the pull that holds the claim: ours, or the one running.
    /// </summary>
    Task<string> ClaimAsync(string key, string pullId, TimeSpan lease);

    /// <summary>Extends our claim while the pull runs (a replica that dies lets it lapse).</summary>
    Task RenewAsync(string key, string pullId, TimeSpan lease);

    /// <summary>Gives the claim up if <paramref name="pullId"/> still holds it.</summary>
    Task ReleaseAsync(string key, string pullId);

    Task SaveAsync(PullState state);

    Task<PullState?> GetAsync(string pullId);

    /// <summary>Recent pulls, newest first.</summary>
    Task<IReadOnlyList<PullState>> ListAsync();
}
