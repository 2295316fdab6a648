using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Core;

namespace InferenceService.Api;

/// <summary>One choice to generate: its index in the response and its prompt.</summary>
public readonly record struct ChoiceInput(int Index, IReadOnlyList<int> PromptIds);

/// <summary>
/// Every choice of a request running in the engine at once (n × prompts sequences, batched together). Starting adds
/// them all as one request (the engine queues all or none), so what the engine refuses (too long, a bad sampling
/// parameter, too many sequences, a full queue) is refused before anything is sent; reading merges their deltas in arrival order; disposing stops whatever still runs (error, client gone).
/// </summary>
public sealed class ChoiceRun : IDisposable
{
    private readonly LlmEngine _engine;
    private readonly IReadOnlyList<(ChoiceInput Choice, Sequence Sequence)> _sequences;
    private readonly GenerationRequest _request;
    private readonly bool _keepSpecialTokens;

    private ChoiceRun(LlmEngine engine, IReadOnlyList<(ChoiceInput, Sequence)> sequences, GenerationRequest request, bool keepSpecialTokens)
    {
        _engine = engine;
        _sequences = sequences;
        _request = request;
        _keepSpecialTokens = keepSpecialTokens;
    }

    /// <param name="lora">The adapter the request's model names (null: the base model).</param>
    public static ChoiceRun Start(LlmEngine engine, string requestId, IReadOnlyList<ChoiceInput> choices, GenerationCall call, GenerationRequest request,
        Engine.Lora.LoraAdapter? lora)
    {
        var sampling = call.Sampling;
        // n > 1 with a seed: each choice its own (reproducible) stream.
        var added = engine.AddAll(choices.Select(choice => ($"{requestId}-{choice.Index}", choice.PromptIds,
            sampling.Seed is { } seed && request.N > 1 ? sampling with { Seed = seed + choice.Index % request.N } : sampling)).ToList(), request.Priority, lora);
        return new ChoiceRun(engine, choices.Zip(added).ToList(), request, call.KeepSpecialTokens);
    }

    /// <summary>Prompt tokens the engine found in its prefix cache (known once the choices were scheduled).</summary>
    public int CachedPromptTokens => _sequences.Sum(s => s.Sequence.PrefixHitTokens);

    public async IAsyncEnumerable<(int Index, GenerationDelta Delta)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merged = Channel.CreateUnbounded<(int, GenerationDelta)>();
        var pumps = _sequences.Select(async item =>
        {
            await foreach (var delta in GenerationRun.ReadAsync(_engine, item.Sequence, item.Choice.PromptIds, _request, _keepSpecialTokens, stop.Token))
                await merged.Writer.WriteAsync((item.Choice.Index, delta), stop.Token);
        }).ToList();
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            await foreach (var item in merged.Reader.ReadAllAsync(cancellationToken)) yield return item;
        }
        finally
        {
            stop.Cancel();   // stops every pump, whose GenerationRun aborts its sequence
            try { await Task.WhenAll(pumps); } catch (Exception) { /* already reported through the channel */ }
        }
    }

    /// <summary>Frees the engine from sequences nobody reads any more (a failure before or while reading).</summary>
    public void Dispose()
    {
        foreach (var (_, seq) in _sequences) _engine.Abort(seq);
    }
}
