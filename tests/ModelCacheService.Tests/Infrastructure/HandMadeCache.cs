namespace ModelCacheService.Tests.Infrastructure;

/// <summary>
/// Writes stories260K into a cache folder the way huggingface_hub documents and writes it (blobs named by
/// etag, snapshots/{commit}/{file} → ../../blobs/{etag}, refs/main = the commit), standing in for a cache
/// made by Python tools and mounted into the service. No file list is recorded: Python keeps none.
/// </summary>
public static class HandMadeCache
{
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>A copy without its weights, as an interrupted `huggingface-cli download` leaves it.</summary>
    public const string IncompleteModel = "karpathy/stories260K-partial";

    /// <summary>karpathy/stories260K, complete; returns the snapshot folder.</summary>
    public static string Write(string cacheDirectory) => Write(cacheDirectory, ExpectedCache.StoriesFolder, _ => true);

    public static string WriteIncompleteCopy(string cacheDirectory) =>
        Write(cacheDirectory, "models--" + IncompleteModel.Replace("/", "--"), name => !name.EndsWith(".safetensors", StringComparison.Ordinal));

    private static string Write(string cacheDirectory, string repoFolder, Func<string, bool> include)
    {
        var repo = Path.Combine(cacheDirectory, repoFolder);
        var snapshot = Path.Combine(repo, "snapshots", Commit);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        Directory.CreateDirectory(snapshot);
        foreach (var source in Directory.GetFiles(TestData.Stories260K).Where(p => Path.GetFileName(p) != "reference-greedy.json"))
        {
            var name = Path.GetFileName(source);
            if (!include(name)) continue;
            var content = File.ReadAllBytes(source);
            var blob = ExpectedCache.BlobName(content);
            File.WriteAllBytes(Path.Combine(repo, "blobs", blob), content);
            File.CreateSymbolicLink(Path.Combine(snapshot, name), $"../../blobs/{blob}");
        }
        File.WriteAllText(Path.Combine(repo, "refs", "main"), Commit);
        return snapshot;
    }
}
