using Engine.Core;
using InferenceService.Metrics;

namespace InferenceService.Hosting;

/// <summary>
/// Loads the engine in the background at start-up (so /health can say 503 meanwhile) and disposes it at shutdown.
/// A `--model org/name` is first pulled through ModelCacheService and loaded from its snapshot folder (only the chosen
/// .gguf for `org/name:TAG` or `--gguf-file`, loaded as that file).
/// </summary>
public sealed class EngineHost(EngineOptions options, VllmMetrics metrics, IServiceProvider services, IConfiguration configuration,
    ILogger<EngineHost> logger) : BackgroundService
{
    private LlmEngine? _engine;
    private EngineOptions _options = options;

    /// <summary>The options in force; Model is the local folder once a repo id has been pulled.</summary>
    public EngineOptions Options => _options;

    public LlmEngine? Engine => Volatile.Read(ref _engine);
    public Exception? LoadError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (RepoModel.TryParse(_options.Model, _options.GgufFile) is { } repo)
            {
                var path = await services.GetRequiredService<ModelCacheClient>()
                    .PullAsync(repo, configuration["Engine:Revision"] ?? "main", stoppingToken);
                logger.LogInformation("{Model} is at {Path}", _options.Model, path);
                _options = _options with { Model = path, GgufFile = null };
            }
            await Task.Run(Load, stoppingToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LoadError = error;
            logger.LogError(error, "Loading model {Model} failed", _options.Model);
        }
    }

    private void Load()
    {
        logger.LogInformation("Loading model {Model}", _options.Model);
        var backend = FaultInjectingBackend.WrapIfRequested(BackendFactory.Create(_options));
        if (backend is FaultInjectingBackend faulty)
            logger.LogWarning("Test hook {Variable} is set: forward step {Step} will fail", FaultInjectingBackend.Variable, faulty.FailingStep);
        var engine = new LlmEngine(_options, backend);
        metrics.Attach(engine);
        Volatile.Write(ref _engine, engine);
        logger.LogInformation("Model {Model} ready: {Layers} layers, vocab {Vocab}, max-model-len {MaxModelLen}",
            _options.Model, engine.Config.NumLayers, engine.Config.VocabSize, engine.MaxModelLen);
    }

    public override void Dispose()
    {
        _engine?.Dispose();
        base.Dispose();
    }
}
