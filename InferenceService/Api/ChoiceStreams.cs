using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Core;
using Engine.Sampling;

namespace InferenceService.Api;

/// <summary>One choice to generate: its index in the response and its prompt.</summary>
public readonly record struct ChoiceInput(int Index, IReadOnlyList<int> PromptIds);

/// <summary>
/// Runs every choice of a request at once (n × prompts sequences in the engine, batched together) and merges
/// their deltas in arrival order. Leaving the enumeration early (error, client gone) stops all of them.
/// </summary>
public static class ChoiceStreams
{
    /// <summary>Refuses, before anything runs, a request that could never fit the model's context.</summary>
    public static void Validate(LlmEngine engine, IEnumerable<ChoiceInput> choices, SamplingParams sampling)
    {
        sampling.Validate(engine.Config.VocabSize);
        foreach (var choice in choices)
        {
            if (choice.PromptIds.Count == 0) throw ApiException.BadRequest("The prompt is empty.", "prompt");
            int total = choice.PromptIds.Count + sampling.MaxTokens;
            if (total > engine.MaxModelLen)
                throw ApiException.BadRequest(
                    $"This model's maximum context length is {engine.MaxModelLen} tokens. However, you requested {total} tokens " +
                    $"({choice.PromptIds.Count} in the messages, {sampling.MaxTokens} in the completion). Please reduce the length of the messages or completion.",
                    "max_tokens");
        }
    }

    public static async IAsyncEnumerable<(int Index, GenerationDelta Delta)> RunAsync(LlmEngine engine, string requestId,
        IReadOnlyList<ChoiceInput> choices, SamplingParams sampling, GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merged = Channel.CreateUnbounded<(int, GenerationDelta)>();
        int perPrompt = Math.Max(1, request.N);
        var pumps = choices.Select(async choice =>
        {
            // n > 1 with a seed: each choice its own (reproducible) stream.
            var own = sampling.Seed is { } seed && perPrompt > 1 ? sampling with { Seed = seed + choice.Index % perPrompt } : sampling;
            await foreach (var delta in GenerationRun.RunAsync(engine, $"{requestId}-{choice.Index}", choice.PromptIds, own, request, stop.Token))
                await merged.Writer.WriteAsync((choice.Index, delta), stop.Token);
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
}
