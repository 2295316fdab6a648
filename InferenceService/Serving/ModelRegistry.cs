using Engine.Chat;
using InferenceService.Api;
using InferenceService.Hosting;

namespace InferenceService.Serving;

/// <summary>
/// The models this replica serves, by served name: the one place a request's "model" is resolved
/// (<see cref="AcquireAsync"/>). Loads the startup model (the flags) at start, loads more at runtime under the
/// <see cref="MemoryPolicy"/> (evicting idle models least recently used first, else a 409), joins a load of the same
/// model already under way, unloads a model on DELETE (drain), after its keep_alive, or to make room, and with
/// --load-on-demand loads an unloaded one again when a request names it.
/// </summary>
public sealed class ModelRegistry(ModelSpec startup, IServiceProvider services, ChatParsers parsers, ServingSettings settings,
    ILogger<ModelRegistry> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelInstance> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _loads = new(StringComparer.Ordinal);
    private readonly ModelSpec _startup = startup;
    private CancellationToken _stopping;
    private bool _startupReady;

    public ServingSettings Settings => settings;

    /// <summary>The startup model (the flags') and whether it has been ready once: /health's answer.</summary>
    public ModelInstance? Startup { get { lock (_gate) return _models.GetValueOrDefault(_startup.Name); } }
    public bool StartupReady => Volatile.Read(ref _startupReady);

    public IReadOnlyList<ModelInstance> Models { get { lock (_gate) return [.. _models.Values]; } }

    public IReadOnlyList<ModelInstance> Ready => Models.Where(m => m.State == ModelState.Ready).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            var startup = Deploy(_startup, out _);
            await startup.Settled.WaitAsync(stoppingToken);
            if (startup.State == ModelState.Ready) Volatile.Write(ref _startupReady, true);
        }
        catch (ApiException error)
        {
            logger.LogError("The startup model cannot be loaded: {Message}", error.Message);
            lock (_gate) _models[_startup.Name] = Failed(_startup, error);
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (await timer.WaitForNextTickAsync(stoppingToken))
            UnloadExpired();
    }

    /// <summary>Starts loading <paramref name="spec"/> (in the background: its progress is its state), or joins the load of
    /// the same model under the same name (<paramref name="joined"/>). A 409 when the name serves another model, is being
    /// unloaded, or the model cannot fit.</summary>
    public ModelInstance Deploy(ModelSpec spec, out bool joined)
    {
        ModelInstance instance;
        lock (_gate)
        {
            if (_models.TryGetValue(spec.Name, out var existing))
            {
                if (existing.State == ModelState.Draining)
                    throw new ApiException(409, $"The model '{spec.Name}' is being unloaded; load it again once it is gone.", "served_model_name", "model_unloading");
                if (existing.State is ModelState.Pulling or ModelState.Loading or ModelState.Ready)
                {
                    if (!existing.Spec.SameModelAs(spec))
                        throw new ApiException(409, $"The name '{spec.Name}' already serves {existing.Spec.Source} with other settings; unload it first (DELETE /admin/models/{spec.Name}) or choose another served_model_name.",
                            "served_model_name", "model_name_taken");
                    joined = true;
                    return existing;
                }
            }
            joined = false;
            instance = new ModelInstance(spec)
            {
                Loads = _loads[spec.Name] = _loads.GetValueOrDefault(spec.Name) + 1,
                KvBytes = spec.Options.KvCacheMemory ?? MemoryPolicy.DefaultKvBytes,
            };
            if (RepoModel.TryParse(spec.Options.Model, spec.Options.GgufFile) is null)
            {
                if (!File.Exists(spec.Options.Model) && !Directory.Exists(spec.Options.Model))
                    throw new ApiException(400, $"The model '{spec.Source}' is neither a local file or folder nor a Hugging Face repo id (org/name).", "model", "model_not_found");
                Admit(instance, MemoryPolicy.WeightFileBytes(spec.Options.Model));
            }
            _models[spec.Name] = instance;
        }
        // The startup model loads flat out; one loaded beside models with requests running gives them the cores first.
        bool othersBusy() => Models.Any(m => m != instance && m.State == ModelState.Ready && m.Running > 0);
        _ = Task.Run(() => instance.LoadAsync(services, parsers, (m, weights) => { lock (_gate) Admit(m, weights); }, othersBusy, logger, _stopping));
        return instance;
    }

    /// <summary>Reserves <paramref name="weights"/> + the KV budget for <paramref name="instance"/>: evicts idle models (least
    /// recently used first) if that makes room, else a 409 with the numbers. Under the lock.</summary>
    private void Admit(ModelInstance instance, long weights)
    {
        var others = _models.Values.Where(m => m != instance && m.Name != instance.Name).ToList();
        long needed = weights + instance.KvBytes;
        var evictions = MemoryPolicy.Evictions(needed, settings.MaxMemory, others)
            ?? throw new ApiException(409, MemoryPolicy.Refusal(instance.Name, needed, settings.MaxMemory, others), code: "insufficient_memory");
        instance.WeightBytes = weights;
        foreach (var evicted in evictions)
        {
            logger.LogInformation("Unloading idle model {Name} (least recently used) to make room for {New}", evicted.Name, instance.Name);
            Unload(evicted, ModelState.Unloaded, TimeSpan.Zero);
        }
    }

    /// <summary>The ready model a request names (none: the startup model), held until the lease is disposed. A 404 for a name
    /// not served; a 503 while it loads, failed or drains; with --load-on-demand an unloaded model is loaded again, the request
    /// waiting up to --load-timeout.</summary>
    public async Task<ModelLease> AcquireAsync(string? requested, CancellationToken cancellationToken)
    {
        var name = requested ?? _startup.Name;
        while (true)
        {
            ModelInstance instance;
            lock (_gate)
            {
                if (!_models.TryGetValue(name, out instance!))
                {
                    // A LoRA adapter is served by the ready model that loaded it.
                    foreach (var model in _models.Values)
                        if (model.State == ModelState.Ready && model.Served!.Engine.Loras?.Find(name) is { } adapter)
                        {
                            model.Admit();
                            return new ModelLease(model, adapter);
                        }
                    throw new ApiException(404, $"The model `{name}` does not exist.", "model", "model_not_found");
                }
                if (instance.State == ModelState.Ready)
                {
                    instance.Admit();
                    return new ModelLease(instance);
                }
                if (instance.State == ModelState.Draining)
                    throw new ApiException(503, $"The model `{name}` is being unloaded and takes no new requests.", "model", "model_unloading") { RetryAfterSeconds = 1 };
                if (instance.State == ModelState.Unloaded && !settings.LoadOnDemand)
                    throw new ApiException(404, $"The model `{name}` is not loaded (it was unloaded while idle); load it with POST /admin/models, or start the replica with --load-on-demand.",
                        "model", "model_not_loaded");
            }
            if (instance.State == ModelState.Failed)
                throw new ApiException(503, $"The model failed to load: {instance.Error?.Message}") { RetryAfterSeconds = 5, ReplicaState = ReplicaStateHeader.Failed };
            if (!settings.LoadOnDemand)
                throw new ApiException(503, "The model is still loading; retry shortly.") { RetryAfterSeconds = 5, ReplicaState = ReplicaStateHeader.Loading };
            if (instance.State == ModelState.Unloaded)
            {
                logger.LogInformation("Loading model {Name} on demand", name);
                instance = Deploy(instance.Spec, out _);
            }
            try
            {
                await instance.Settled.WaitAsync(settings.LoadTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw new ApiException(503, $"The model `{name}` is loading on demand and was not ready within --load-timeout {settings.LoadTimeout.TotalSeconds} s; retry shortly.",
                    "model", "model_loading") { RetryAfterSeconds = 5 };
            }
        }
    }

    /// <summary>Unloads <paramref name="name"/> (DELETE): refuses its new requests at once, lets the running ones finish within
    /// <paramref name="grace"/>, aborts the rest, frees its memory, and forgets it. Null when no such model.</summary>
    public ModelInstance? Remove(string name, TimeSpan grace)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out var instance)) return null;
            if (instance.State is ModelState.Failed or ModelState.Unloaded)
            {
                _models.Remove(name);
                return instance;
            }
            if (instance.State is ModelState.Pulling or ModelState.Loading)
                throw new ApiException(409, $"The model '{name}' is still {instance.State.ToString().ToLowerInvariant()}; delete it once it is ready or failed.", code: "model_loading");
            if (instance.State == ModelState.Ready) Unload(instance, ModelState.Draining, grace);
            return instance;
        }
    }

    /// <summary>Under the lock: stops admitting requests to <paramref name="instance"/> and unloads it in the background.</summary>
    private void Unload(ModelInstance instance, ModelState state, TimeSpan grace)
    {
        instance.State = state;
        var abort = new ApiException(503, $"The model `{instance.Name}` was unloaded; this request was still running after the grace period of {grace.TotalSeconds} s and was aborted.",
            "model", "model_unloaded");
        _ = Task.Run(async () =>
        {
            await instance.UnloadAsync(grace, abort, logger);
            lock (_gate)
            {
                if (instance.State == ModelState.Draining && _models.GetValueOrDefault(instance.Name) == instance) _models.Remove(instance.Name);
            }
        });
    }

    /// <summary>Unloads the ready models idle longer than their keep_alive (they stay listed as unloaded).</summary>
    private void UnloadExpired()
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            foreach (var model in _models.Values.Where(m => m.Idle && m.KeepAlive is { } keepAlive && now - m.LastUsed >= keepAlive).ToList())
            {
                logger.LogInformation("Unloading model {Name}: idle for its keep_alive of {KeepAlive} s", model.Name, model.KeepAlive!.Value.TotalSeconds);
                Unload(model, ModelState.Unloaded, TimeSpan.Zero);
            }
        }
    }

    private static ModelInstance Failed(ModelSpec spec, Exception error)
    {
        var instance = new ModelInstance(spec) { Loads = 1 };
        instance.Fail(error);
        return instance;
    }

    public override void Dispose()
    {
        foreach (var model in Models) model.Engine?.Dispose();
        base.Dispose();
    }
}
