namespace Tests.Shared;

/// <summary>Misbehaviours a test can switch on in the fake hub (thread-safe; read on every request).</summary>
public sealed class HubSwitches
{
    private int _failRevisionRequests;
    private int _slowRevisionRequests;

    /// <summary>Gated repository: 401 without a token, 403 with another one than this.</summary>
    public volatile string? RequiredToken;

    /// <summary>LFS files redirect to the separate CDN server (as on huggingface.co); off: served by the hub itself.</summary>
    public volatile bool UseCdn = true;

    /// <summary>The first download of each LFS file is cut (connection aborted) after this many bytes; 0 = never.</summary>
    public long CutAfterBytes
    {
        get => Interlocked.Read(ref _cutAfterBytes);
        set => Interlocked.Exchange(ref _cutAfterBytes, value);
    }

    private long _cutAfterBytes;

    /// <summary>Every LFS download has one byte flipped (in the middle of the file).</summary>
    public volatile bool CorruptLfs;

    /// <summary>LFS downloads carry this many bytes more than the file (a server sending more than it should).</summary>
    public volatile int LfsExtraBytes;

    /// <summary>The redirect to the CDN has no X-Linked-Size (its size is then known from the revision API only).</summary>
    public volatile bool OmitLinkedSize;

    /// <summary>Plain (git) files get this ETag instead of their git blob sha1: a hash the content cannot be checked against.</summary>
    public volatile string? PlainEtag;

    /// <summary>File bodies are sent at this rate (bytes per second); 0 = full speed.</summary>
    public volatile int ThrottleBytesPerSecond;

    /// <summary>Delay of the answers of <see cref="SlowRevisionRequests"/>.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The next N revision API requests answer 503.</summary>
    public int FailRevisionRequests
    {
        set => Interlocked.Exchange(ref _failRevisionRequests, value);
    }

    /// <summary>The next N revision API requests wait <see cref="SlowDelay"/> before answering.</summary>
    public int SlowRevisionRequests
    {
        set => Interlocked.Exchange(ref _slowRevisionRequests, value);
    }

    public void Reset()
    {
        RequiredToken = null;
        UseCdn = true;
        CutAfterBytes = 0;
        CorruptLfs = false;
        LfsExtraBytes = 0;
        OmitLinkedSize = false;
        PlainEtag = null;
        ThrottleBytesPerSecond = 0;
        FailRevisionRequests = 0;
        SlowRevisionRequests = 0;
    }

    internal bool TakeFailure() => Take(ref _failRevisionRequests);

    internal bool TakeSlow() => Take(ref _slowRevisionRequests);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }
}
