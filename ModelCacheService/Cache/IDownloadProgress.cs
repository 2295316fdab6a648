namespace ModelCacheService.Cache;

/// <summary>Receives the byte count of one file's download as it goes.</summary>
public interface IDownloadProgress
{
    /// <summary>The file now holds <paramref name="bytesOnDisk"/> bytes (a resume point, or 0 when starting over).</summary>
    void Reset(long bytesOnDisk);

    /// <summary><paramref name="bytes"/> more arrived from the network and were written.</summary>
    void Advance(int bytes);
}
