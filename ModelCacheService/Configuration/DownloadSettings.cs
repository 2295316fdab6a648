namespace ModelCacheService.Configuration;

/// <summary>How downloads behave; bound from the "ModelCache" configuration section (e.g. ModelCache__MaxParallelDownloads=8).</summary>
public sealed class DownloadSettings
{
    public const string SectionName = "ModelCache";

    /// <summary>Files of one pull downloaded at the same time.</summary>
    public int MaxParallelDownloads { get; set; } = 4;

    /// <summary>Retries of one request (timeouts, 5xx) and resumes of one file after a broken connection.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First retry delay; it doubles on each retry (with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request may wait for the response headers.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A download that receives no byte for this long is treated as a broken connection and resumed.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running pull publishes its progress (store, events).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The largest model a pull downloads (the sum of its files), and the most one file of unknown size may have.</summary>
    public long MaxModelBytes { get; set; } = 1L << 40;

    /// <summary>What must stay free on the cache's volume: a pull that would leave less is refused before it downloads.</summary>
    public long MinFreeDiskBytes { get; set; } = 1L << 30;
}
