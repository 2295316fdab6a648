namespace ModelCacheService.Cache;

/// <summary>Writes small files through a temporary name and a rename, so readers never see half a file.</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
