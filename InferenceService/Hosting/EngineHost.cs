using Inference.Engine.Core;
using InferenceService.Metrics;

namespace InferenceService.Hosting;

/// <summary>Loads the engine in the background at start-up (so /health can say 503 meanwhile) and disposes it at shutdown.</summary>
public sealed class EngineHost(EngineOptions options, VllmMetrics metrics, ILogger<EngineHost> logger) : BackgroundService
{
    private LlmEngine? _engine;

    public EngineOptions Options => options;

    public LlmEngine? Engine => Volatile.Read(ref _engine);
    public Exception? LoadError { get; private set; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            logger.LogInformation("Loading model {Model}", options.Model);
            var engine = new LlmEngine(options, BackendFactory.Create(options));
            metrics.Attach(engine);
            Volatile.Write(ref _engine, engine);
            logger.LogInformation("Model {Model} ready: {Layers} layers, vocab {Vocab}, max-model-len {MaxModelLen}",
                options.Model, engine.Config.NumLayers, engine.Config.VocabSize, engine.MaxModelLen);
        }
        catch (Exception error)
        {
            LoadError = error;
            logger.LogError(error, "Loading model {Model} failed", options.Model);
        }
    }, stoppingToken);

    public override void Dispose()
    {
        _engine?.Dispose();
        base.Dispose();
    }
}
