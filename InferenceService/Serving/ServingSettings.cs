using InferenceService.Hosting;

namespace InferenceService.Serving;

/// <summary>The replica-wide model management flags: --max-memory (the memory policy's limit), --load-on-demand (a request
/// for an unloaded model loads it) and --load-timeout (how long such a request waits before a 503).</summary>
public sealed record ServingSettings(long MaxMemory, bool LoadOnDemand, TimeSpan LoadTimeout)
{
    public static readonly TimeSpan DefaultLoadTimeout = TimeSpan.FromSeconds(60);

    public static ServingSettings Read(IConfiguration configuration)
    {
        var c = configuration.GetSection("Engine");
        return new ServingSettings(
            c["MaxMemory"] is { Length: > 0 } max ? Size(max, "--max-memory") : MemoryPolicy.DefaultMaxMemory(),
            c["LoadOnDemand"] is { } onDemand && (bool.TryParse(onDemand, out bool on) ? on : throw new ArgumentException($"--load-on-demand must be true or false, got '{onDemand}'.")),
            c["LoadTimeout"] is { Length: > 0 } timeout
                ? Duration.Parse(timeout, "--load-timeout") ?? throw new ArgumentException("--load-timeout must not be negative.")
                : DefaultLoadTimeout);
    }

    private static long Size(string text, string flag)
    {
        try
        {
            return ByteSize.Parse(text) is > 0 and var bytes ? bytes : throw new ArgumentException($"must be more than 0 bytes, got '{text}'.");
        }
        catch (Exception error) when (error is ArgumentException or OverflowException)
        {
            throw new ArgumentException($"{flag}: {error.Message}");
        }
    }
}
