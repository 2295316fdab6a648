using System.Runtime.CompilerServices;
using Engine.Chat;
using Engine.Core;
using Engine.Sampling;
using Engine.Tokenization;

namespace InferenceService.Api;

/// <summary>One generated token as the API reports it (for logprobs), with the token before it (for its text).</summary>
public readonly record struct GeneratedToken(int TokenId, int? Previous, float Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs);

/// <summary>New text of one choice, the tokens behind it, and, on the last delta, why it finished.</summary>
public sealed record GenerationDelta(string Text, IReadOnlyList<GeneratedToken> Tokens, string? FinishReason);

/// <summary>
/// Streams one choice of a request from its sequence in the engine: turns tokens into text without splitting
/// characters, applies stop strings (holding back text that may be the start of one), and aborts the
/// sequence in the engine as soon as the caller stops listening (client gone) or a stop string matched.
/// </summary>
public static class GenerationRun
{
    public static async IAsyncEnumerable<GenerationDelta> ReadAsync(LlmEngine engine, Sequence seq, IReadOnlyList<int> promptIds,
        GenerationRequest request, bool keepSpecialTokens, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            var detokenizer = new IncrementalDetokenizer(engine.Tokenizer, promptIds, skipSpecialTokens: !keepSpecialTokens);
            string pending = "";
            var tokens = new List<GeneratedToken>();
            int? previous = promptIds[^1];
            await foreach (var output in seq.Output.Reader.ReadAllAsync(cancellationToken))
            {
                tokens.Add(new GeneratedToken(output.TokenId, previous, output.Logprob, output.TopLogprobs));
                previous = output.TokenId;
                // With special tokens kept, the one that ended the sequence (EOS, a stop token id) is not text, as in vLLM.
                if (!(keepSpecialTokens && output.FinishReason == FinishReason.Stop)) pending += detokenizer.Add(output.TokenId);
                if (output.FinishReason is not null) pending += detokenizer.Flush();

                if (TextMarkers.First(pending, request.Stop) is var (at, stop) && at >= 0)
                {
                    engine.Abort(seq, FinishReason.Stop);
                    yield return new GenerationDelta(pending[..at] + (request.IncludeStopStringInOutput ? stop : ""), tokens, "stop");
                    yield break;
                }
                if (output.FinishReason is { } reason)
                {
                    yield return new GenerationDelta(pending, tokens, reason == FinishReason.Length ? "length" : reason == FinishReason.Stop ? "stop" : "abort");
                    yield break;
                }
                int hold = TextMarkers.PartialTail(pending, request.Stop);   // it may be the start of a stop string
                if (pending.Length - hold > 0 || tokens.Count > 0)
                {
                    yield return new GenerationDelta(pending[..^hold], tokens, null);
                    pending = pending[^hold..];
                    tokens = [];
                }
            }
        }
        finally
        {
            if (!seq.IsFinished) engine.Abort(seq);   // the client went away: free its blocks now
            RequestTracing.Record(seq);
        }
    }
}
