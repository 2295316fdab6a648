namespace ModelCacheService.Cache;

/// <summary>How much the cache takes and how much room is left on its volume.</summary>
public sealed record DiskUsage(string CacheDir, int Models, long SizeOnDisk, long IncompleteBytes, long? FreeBytes, long? TotalBytes)
{
    public static DiskUsage Measure(string cacheDirectory, IReadOnlyList<CachedModel> models)
    {
        var (free, total) = Volume(cacheDirectory);
        return new DiskUsage(cacheDirectory, models.Count, models.Sum(m => m.SizeOnDisk), models.Sum(m => m.IncompleteBytes), free, total);
    }

    /// <summary>The free bytes of the cache's volume, or null where the filesystem does not say.</summary>
    public static long? FreeSpace(string cacheDirectory) => Volume(cacheDirectory).Free;

    private static (long? Free, long? Total) Volume(string cacheDirectory)
    {
        try
        {
            var existing = cacheDirectory;
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
            var drive = new DriveInfo(existing);
            return (drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return (null, null);   // Not every filesystem reports its size; the cache's own numbers still stand.
        }
    }
}
