using System.Text.Json;

namespace ModelCacheService.Cache;

/// <summary>
/// Which files a snapshot lacks. With our manifest: every file the hub listed. Without one (a cache
/// made by Python tools, which records no file list): a loadable model, i.e. config.json and the
/// weights, all shards of a sharded index included. Broken links always count as missing.
/// </summary>
public static class SnapshotCompleteness
{
    private static readonly string[] WeightExtensions = [".safetensors", ".bin", ".gguf", ".pt", ".pth"];
    private static readonly string[] ShardIndexes = ["model.safetensors.index.json", "pytorch_model.bin.index.json"];

    public static IReadOnlyList<string> Missing(string snapshotPath, IReadOnlyList<CachedFile> files, SnapshotManifest? manifest)
    {
        var present = files.Where(f => !f.Broken).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var missing = files.Where(f => f.Broken).Select(f => f.Name).ToList();
        if (manifest is not null) missing.AddRange(manifest.Files.Select(f => f.Path).Where(p => !present.Contains(p)));
        else missing.AddRange(LoadableModelMissing(snapshotPath, present));
        return missing.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> LoadableModelMissing(string snapshotPath, HashSet<string> present)
    {
        if (!present.Contains("config.json")) yield return "config.json";
        var index = ShardIndexes.FirstOrDefault(present.Contains);
        if (index is not null)
        {
            foreach (var shard in ShardsOf(Path.Combine(snapshotPath, index)).Where(s => !present.Contains(s))) yield return shard;
        }
        else if (!present.Any(name => WeightExtensions.Any(ext => name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))))
        {
            yield return "model weights (*.safetensors)";
        }
    }

    private static IEnumerable<string> ShardsOf(string indexPath)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(indexPath));
            return json.RootElement.TryGetProperty("weight_map", out var map) && map.ValueKind == JsonValueKind.Object
                ? map.EnumerateObject().Select(p => p.Value.GetString()).OfType<string>().Distinct().ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException)
        {
            return [Path.GetFileName(indexPath) + " (unreadable)"];
        }
    }
}
