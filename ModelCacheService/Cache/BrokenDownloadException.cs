namespace ModelCacheService.Cache;

/// <summary>A download stopped part-way (connection cut, stall, short body): worth resuming with Range.</summary>
public sealed class BrokenDownloadException(string message, Exception? inner = null) : Exception(message, inner);
