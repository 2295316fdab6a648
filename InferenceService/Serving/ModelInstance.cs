using System.Diagnostics;
using Engine.Backends;
using Engine.Chat;
using Engine.Core;
using Engine.Loading;
using InferenceService.Api;
using InferenceService.Hosting;
using InferenceService.Metrics;

namespace InferenceService.Serving;

/// <summary>
/// One model of the replica through its life (<see cref="ModelState"/>): pulled, loaded into its own engine with its own
/// KV budget, serving requests (each one counted from <see cref="TryAcquire"/> to <see cref="Release"/>), then drained
/// and disposed, its memory freed. State changes happen under the registry's lock; this class only keeps them.
/// </summary>
public sealed class ModelInstance(ModelSpec spec)
{
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    public ModelSpec Spec => spec;
    public string Name => Spec.Name;
    public ModelState State { get; set; } = ModelState.Pulling;
    public Exception? Error { get; private set; }
    public ServedModel? Served { get; private set; }
    public VllmMetrics? Metrics { get; private set; }
    public LlmEngine? Engine => Served?.Engine;

    /// <summary>Weights and KV bytes: measured once loaded, estimated while pulling or loading (what the memory policy reserved).</summary>
    public long WeightBytes { get; set; }
    public long KvBytes { get; set; }
    public long MemoryBytes => State is ModelState.Failed or ModelState.Unloaded ? 0 : WeightBytes + KvBytes;

    public DateTimeOffset? LoadedAt { get; private set; }
    public DateTimeOffset LastUsed { get; private set; } = DateTimeOffset.UtcNow;
    /// <summary>How long it stays loaded while idle (null: forever); the last request's keep_alive replaces it.</summary>
    public TimeSpan? KeepAlive { get; set; } = spec.KeepAlive;

    /// <summary>How many loads of this name the replica started, this one included (a coalesced request joins a load, it does not start one).</summary>
    public required int Loads { get; init; }

    /// <summary>Requests admitted and not finished.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Completes when the current load ends (ready or failed).</summary>
    public Task Settled => _settled.Task;

    public bool Idle => State == ModelState.Ready && Running == 0;

    /// <summary>Admits a request if ready; the caller checked the state under the registry's lock.</summary>
    public void Admit()
    {
        Interlocked.Increment(ref _running);
        LastUsed = DateTimeOffset.UtcNow;
    }

    public void Release(TimeSpan? keepAlive, bool keepAliveGiven)
    {
        if (keepAliveGiven) KeepAlive = keepAlive;
        LastUsed = DateTimeOffset.UtcNow;
        Interlocked.Decrement(ref _running);
    }

    /// <summary>Pulls (a repo id, and adapters given as repo ids) and loads; <paramref name="admit"/> reserves the memory once the weights' size is known
    /// (it throws a 409 when they cannot fit). While <paramref name="othersBusy"/> (other models have requests running) the load
    /// is paced (<see cref="LoadPacer"/>) to give them the cores first. Failures land in <see cref="Error"/>, never thrown.</summary>
    public async Task LoadAsync(IServiceProvider services, ChatParsers parsers, Action<ModelInstance, long> admit, Func<bool> othersBusy, ILogger logger,
        CancellationToken cancellationToken)
    {
        var options = Spec.Options with { LoadPacer = new LoadPacer(othersBusy) };
        try
        {
            if (RepoModel.TryParse(options.Model, options.GgufFile) is { } repo)
            {
                var path = await services.GetRequiredService<ModelCacheClient>().PullAsync(repo, Spec.Revision, cancellationToken);
                logger.LogInformation("{Model} is at {Path}", Spec.Source, path);
                options = options with { Model = path, GgufFile = null };
            }
            if (options.LoraModules.Any(m => RepoModel.TryParse(m.Path, null) is not null))
                options = options with { LoraModules = await LoraAdapterSource.PullAllAsync(options.LoraModules, services, cancellationToken) };
            admit(this, MemoryPolicy.WeightFileBytes(options.Model));
            State = ModelState.Loading;
            logger.LogInformation("Loading model {Name} from {Model}", Name, options.Model);
            var engine = await Task.Run(() => new LlmEngine(options, FaultInjectingBackend.WrapIfRequested(BackendFactory.Create(options))), cancellationToken);
            Metrics = new VllmMetrics(Name, engine);
            Served = new ServedModel(Name, engine, Spec.ChatTemplate, parsers);
            (WeightBytes, KvBytes) = (engine.Model.WeightBytes, engine.KvCacheBytes);
            LoadedAt = LastUsed = DateTimeOffset.UtcNow;
            State = ModelState.Ready;
            logger.LogInformation("Model {Name} ready: {Layers} layers, vocab {Vocab}, max-model-len {MaxModelLen}, weights {Weights:N0} bytes, KV {Kv:N0} bytes ({KvDType}); " +
                "the load rested {Rests} times ({Rested:F1} ms) for other models' requests",
                Name, engine.Config.NumLayers, engine.Config.VocabSize, engine.MaxModelLen, WeightBytes, KvBytes, engine.KvCacheDType.FlagName(), options.LoadPacer!.Rests, options.LoadPacer.Rested.TotalMilliseconds);
        }
        catch (Exception error)
        {
            Fail(error);
            logger.LogError(error, "Loading model {Name} ({Model}) failed", Name, Spec.Source);
        }
        finally
        {
            _settled.TrySetResult();
        }
    }

    public void Fail(Exception error)
    {
        Error = error;
        State = ModelState.Failed;
        _settled.TrySetResult();
    }

    /// <summary>Waits up to <paramref name="grace"/> for the running requests, aborts what is left with
    /// <paramref name="abortError"/>, then disposes the engine and returns its memory to the system.</summary>
    public async Task UnloadAsync(TimeSpan grace, ApiException abortError, ILogger logger)
    {
        var engine = Engine;
        if (!await NoneRunningWithin(grace))
        {
            logger.LogWarning("Model {Name}: {Running} requests still running after the grace period of {Grace} s; aborting them", Name, Running, grace.TotalSeconds);
            engine?.AbortAll(abortError);
            // Their handlers end as soon as they read the error; the engine is disposed after them.
            await NoneRunningWithin(TimeSpan.FromSeconds(10));
        }
        Served = null;
        Metrics = null;
        engine?.Dispose();
        // The weights are native buffers freed by their finalizers: collect (again while the last requests' handlers still
        // finish with the engine in hand) so the memory goes back at once.
        var started = Stopwatch.GetTimestamp();
        var released = new WeakReference(engine);
        engine = null;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (!released.IsAlive) break;
            await Task.Delay(100);
        }
        GC.Collect();
        NativeHeap.Trim();
        if (released.IsAlive) logger.LogWarning("Model {Name}: its engine is still referenced after the unload; its memory is freed when the last reference goes", Name);
        logger.LogInformation("Model {Name} unloaded ({Weights:N0} bytes of weights, {Kv:N0} bytes of KV freed; collected in {Ms:F0} ms)",
            Name, WeightBytes, KvBytes, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<bool> NoneRunningWithin(TimeSpan time)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Running > 0)
        {
            if (Stopwatch.GetTimestamp() >= deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
