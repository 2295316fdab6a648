namespace ModelCacheService.Hub;

/// <summary>A revision resolved by the hub: the commit it points to and the files at that commit.</summary>
public sealed record RepoRevision(RepoId Repo, string Revision, string Commit, IReadOnlyList<RepoFile> Files);
