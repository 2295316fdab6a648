using System.Diagnostics;

namespace Engine.Loading;

/// <summary>
/// Keeps a model load from taking the cores away from models already serving in the same process. A load reads and packs
/// one tensor at a time on every core; run flat out beside a serving engine, it stalls that engine's steps behind it for as
/// long as it runs. Paced, each tensor is a burst, and while <paramref name="othersBusy"/> says another engine has requests
/// the load rests after it, so that it works at most <paramref name="share"/> of the time: serving loses at most that share
/// while the load takes about 1/share as long (it runs at full speed whenever nothing else computes).
/// <paramref name="rest"/> is how it rests (Thread.Sleep; tests record it).
/// </summary>
public sealed class LoadPacer(Func<bool> othersBusy, double share = LoadPacer.DefaultShare, Action<TimeSpan>? rest = null)
{
    /// <summary>A quarter: a serving engine keeps most of its speed while a load runs beside it (deploy-bench.sh measures it).</summary>
    public const double DefaultShare = 0.25;

    public static readonly TimeSpan LongestRest = TimeSpan.FromSeconds(10);
    private readonly Action<TimeSpan> _rest = rest ?? Thread.Sleep;
    private long _burstStart = Stopwatch.GetTimestamp();

    /// <summary>How many times the load rested, and for how long in all (for the log).</summary>
    public int Rests { get; private set; }
    public TimeSpan Rested { get; private set; }

    /// <summary>Called between two tensors: rests in proportion to the burst since the last call when others are busy.</summary>
    public void Pace()
    {
        var worked = Stopwatch.GetElapsedTime(_burstStart);
        if (othersBusy())
        {
            var due = worked * ((1 - share) / share);
            if (due > LongestRest) due = LongestRest;
            _rest(due);
            Rests++;
            Rested += due;
        }
        _burstStart = Stopwatch.GetTimestamp();
    }
}
