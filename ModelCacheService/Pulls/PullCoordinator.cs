using System.Collections.Concurrent;
using ModelCacheService.Api;
using ModelCacheService.Cache;
using ModelCacheService.Configuration;
using ModelCacheService.Hub;

namespace ModelCacheService.Pulls;

/// <summary>
/// Starts pulls, or joins the one already running for the same model and revision (here or on another
/// replica, through the store's claim), runs them in the background, publishes their progress to the
/// store a few times a second, and waits for them on shutdown. A new pull is refused while this replica runs
/// <see cref="AccessSettings.MaxConcurrentPulls"/> (too_many_pulls) or while its cache volume has less than
/// <see cref="DownloadSettings.MinFreeDiskBytes"/> free (insufficient_storage).
/// </summary>
public sealed class PullCoordinator(
    IPullStore store, IServiceProvider services, HubSettings hub, DownloadSettings settings, AccessSettings access, CacheScanner scanner,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<PullCoordinator> log) : IHostedService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan JoinWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Task> _running = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _cancels = new();

    /// <summary>This process, as named in the pulls it runs.</summary>
    public static string Replica { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<PullState> StartOrJoinAsync(RepoId repo, string revision, PullSelection selection)
    {
        var progress = new PullProgress(PullIds.New(), repo, revision, selection, Replica, time);
        if (hub.Offline) return await CompleteOfflineAsync(progress);

        var key = PullIds.ClaimKey(repo.ToString(), revision, selection);
        var holder = await store.ClaimAsync(key, progress.Id, Lease);
        if (holder != progress.Id) return await JoinAsync(holder, repo, revision);

        ErrorDetail? refusal;
        lock (_running)
        {
            refusal = RefusalOfNewPull();
            if (refusal is null) _running[progress.Id] = Task.CompletedTask;   // counted now: a concurrent start sees it
        }
        if (refusal is not null)
        {
            await store.ReleaseAsync(key, progress.Id);
            throw new PullFailedException(refusal);
        }
        await store.SaveAsync(progress.Snapshot());
        _cancels[progress.Id] = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        _running[progress.Id] = Task.Run(() => RunAsync(progress, key));
        log.LogInformation("Pull {PullId}: {Model}@{Revision} started", progress.Id, repo, revision);
        return progress.Snapshot();
    }

    private ErrorDetail? RefusalOfNewPull()
    {
        if (_running.Count >= access.MaxConcurrentPulls)
            return new ErrorDetail($"{_running.Count} pulls are running on this replica, the most it runs at once (ModelCache__MaxConcurrentPulls = " +
                $"{access.MaxConcurrentPulls}); pull again when one has finished.", "rate_limit_error", null, "too_many_pulls");
        if (DiskUsage.FreeSpace(hub.CacheDirectory) is { } free && free < settings.MinFreeDiskBytes)
            return new ErrorDetail($"The cache volume has {free} bytes free, less than the {settings.MinFreeDiskBytes} that must stay free " +
                "(ModelCache__MinFreeDiskBytes); delete models or make room first.", "insufficient_storage", null, "insufficient_storage");
        return null;
    }

    /// <summary>A pull of <paramref name="repo"/> still running on any replica (its claim alive), or null.</summary>
    public async Task<PullState?> FindActiveAsync(RepoId repo)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return (await store.ListAsync()).FirstOrDefault(s =>
            s.Model == repo.ToString() && !s.IsFinished && now - s.UpdatedAt <= Lease.TotalSeconds);
    }

    /// <summary>Stops a pull running in this process (DELETE /api/models/pull/{id}); false if it does not run here.
    /// Finished files stay in the cache; partial files are resumed by the next pull.</summary>
    public async Task<bool> CancelAsync(string id)
    {
        if (!_cancels.TryGetValue(id, out var cancel) || !_running.TryGetValue(id, out var run)) return false;
        await cancel.CancelAsync();
        await run;
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>On shutdown the pulls see ApplicationStopping; wait until each has saved its final state.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAny(Task.WhenAll(_running.Values), Task.Delay(Timeout.Infinite, cancellationToken));

    private async Task<PullState> JoinAsync(string holder, RepoId repo, string revision)
    {
        // The holder saves its first state right after claiming; give it a moment.
        var deadline = time.GetUtcNow() + JoinWait;
        while (true)
        {
            if (await store.GetAsync(holder) is { } state) return state;
            if (time.GetUtcNow() > deadline)
                throw new PullFailedException(new ErrorDetail(
                    $"A pull of {repo}@{revision} ({holder}) is being started elsewhere; try again in a moment.",
                    "conflict_error", "model", "pull_starting"));
            await Task.Delay(20);
        }
    }

    private async Task<PullState> CompleteOfflineAsync(PullProgress progress)
    {
        if (!CachedSnapshot.TryComplete(progress, scanner, "HF_HUB_OFFLINE is set: served from the cache without asking the hub."))
            throw new PullFailedException(new ErrorDetail(
                $"{progress.Repo}@{progress.Revision}{(progress.Selection.IsEverything ? "" : $" ({progress.Selection.Key})")} is not in the cache (or not complete) and HF_HUB_OFFLINE is set, so it cannot be downloaded. " +
                "Unset HF_HUB_OFFLINE, or pull it where the hub can be reached.",
                "invalid_request_error", "model", "model_not_cached"));
        var state = progress.Snapshot();
        await store.SaveAsync(state);
        return state;
    }

    private async Task RunAsync(PullProgress progress, string key)
    {
        using var stopPublishing = new CancellationTokenSource();
        var publishing = PublishAsync(progress, key, stopPublishing.Token);
        try
        {
            using var scope = services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<PullJob>().RunAsync(progress, _cancels[progress.Id].Token);
        }
        catch (PullFailedException e)
        {
            progress.Failed(e.Error);
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            progress.Failed(new ErrorDetail("The pull was cancelled; pull again to resume where it stopped.",
                "invalid_request_error", null, "cancelled"));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            progress.Failed(new ErrorDetail("The service stopped during the pull; pull again to resume where it stopped.",
                "server_error", null, "service_stopping"));
        }
        catch (Exception e)
        {
            log.LogError(e, "Pull {PullId} failed unexpectedly", progress.Id);
            progress.Failed(new ErrorDetail($"Internal error during the pull: {e.Message}", "server_error", null, "internal_error"));
        }
        finally
        {
            await stopPublishing.CancelAsync();
            await publishing;
            // The final state is saved before the claim goes, so whoever joins sees how it ended.
            await Safely(() => store.SaveAsync(progress.Snapshot()), progress.Id);
            await Safely(() => store.ReleaseAsync(key, progress.Id), progress.Id);
            _running.TryRemove(progress.Id, out _);
            if (_cancels.TryRemove(progress.Id, out var cancel)) cancel.Dispose();
            LogOutcome(progress.Snapshot());
        }
    }

    private async Task PublishAsync(PullProgress progress, string key, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(settings.ProgressInterval, time);
        var lastRenew = time.GetUtcNow();
        var lastLog = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var state = progress.Snapshot();
                await Safely(() => store.SaveAsync(state), progress.Id);
                var now = time.GetUtcNow();
                if (now - lastRenew >= RenewEvery)
                {
                    await Safely(() => store.RenewAsync(key, progress.Id, Lease), progress.Id);
                    lastRenew = now;
                }
                if (now - lastLog >= LogEvery)
                {
                    log.LogInformation("Pull {PullId}: {Model} {Status} {Done}/{Total} bytes, {Rate:0} B/s, ETA {Eta} s",
                        state.Id, state.Model, state.Status, state.BytesDone, state.BytesTotal, state.RateBytesPerSecond, state.EtaSeconds);
                    lastLog = now;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The pull ended.
        }
    }

    private void LogOutcome(PullState state)
    {
        if (state.Status == PullStatus.Completed)
            log.LogInformation("Pull {PullId}: {Model}@{Revision} completed at {Commit} in {Path}", state.Id, state.Model, state.Revision, state.Commit, state.SnapshotPath);
        else
            log.LogWarning("Pull {PullId}: {Model}@{Revision} failed: {Error}", state.Id, state.Model, state.Revision, state.Error?.Message);
    }

    /// <summary>A store that is briefly away (Redis restarting) must not break the pull itself.</summary>
    private async Task Safely(Func<Task> storeCall, string pullId)
    {
        try
        {
            await storeCall();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Pull {PullId}: could not update the pull store", pullId);
        }
    }
}
