using ModelCacheService.Hub;

namespace ModelCacheService.Cache;

/// <summary>
/// Paths of one repository in huggingface_hub's cache layout:
/// <code>
/// {cache}/models--{org}--{name}/blobs/{etag}                      file contents, named by etag
///                              /snapshots/{commit}/{file}         relative symlinks into blobs
///                              /refs/{revision}                   the commit a branch or tag pointed to
///                              /.modelcache/{commit}.json         ours: the file list of a pull (Python ignores it)
/// {cache}/.locks/models--{org}--{name}/{etag}.lock                download locks (flock), as huggingface_hub
/// </code>
/// </summary>
public sealed class RepoCacheLayout(string cacheDirectory, RepoId repo)
{
    public RepoId Repo { get; } = repo;
    public string CacheDirectory { get; } = cacheDirectory;
    public string RepoFolder { get; } = Path.Combine(cacheDirectory, repo.CacheFolderName);
    public string BlobsFolder => Path.Combine(RepoFolder, "blobs");
    public string SnapshotsFolder => Path.Combine(RepoFolder, "snapshots");
    public string RefsFolder => Path.Combine(RepoFolder, "refs");
    public string ManifestsFolder => Path.Combine(RepoFolder, ".modelcache");
    public string LocksFolder => Path.Combine(CacheDirectory, ".locks", Repo.CacheFolderName);

    public string BlobPath(string etag) => Path.Combine(BlobsFolder, etag);

    /// <summary>The partial download of a blob; huggingface_hub resumes the same name.</summary>
    public string IncompletePath(string etag) => BlobPath(etag) + ".incomplete";

    public string LockPath(string etag) => Path.Combine(LocksFolder, etag + ".lock");

    public string SnapshotFolder(string commit) => Path.Combine(SnapshotsFolder, commit);

    public string SnapshotFile(string commit, string repoPath) =>
        Path.Combine(SnapshotFolder(commit), repoPath.Replace('/', Path.DirectorySeparatorChar));

    public string RefPath(string revision) => Path.Combine(RefsFolder, revision.Replace('/', Path.DirectorySeparatorChar));

    public string ManifestPath(string commit) => Path.Combine(ManifestsFolder, commit + ".json");
}
