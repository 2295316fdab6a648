using Engine.Backends;
using Engine.Core;

namespace Engine.Speculation;

/// <summary>
/// vLLM's prompt lookup: the last n tokens (n from prompt_lookup_max down to prompt_lookup_min) are looked up in the
/// sequence's own prompt and output, and the tokens that followed their most recent earlier occurrence are proposed.
/// Free to compute, and right whenever the output copies its context (quotes, code edits, summaries). When the match is
/// so recent that fewer than k tokens follow it, the copy is assumed to go on: the proposal continues with its own tokens
/// (a run of one repeated token proposes k more of it, not one).
/// </summary>
public sealed class NgramProposer(SpeculativeConfig config) : IDraftProposer
{
    public int[][] Propose(IReadOnlyList<ScheduledSequence> step, ForwardBatch baseBatch) =>
        [.. step.Select(s => s.Lookahead == 0 ? [] : Propose(s.Sequence.TokenIds, s.Lookahead, config.PromptLookupMin, config.PromptLookupMax))];

    /// <summary><paramref name="k"/> tokens that followed the most recent earlier match of the longest suffix (of
    /// <paramref name="min"/>..<paramref name="max"/> tokens) that has one; none when no suffix recurs.</summary>
    public static int[] Propose(List<int> tokens, int k, int min, int max)
    {
        var all = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens);
        for (int n = Math.Min(max, all.Length - 1); n >= min; n--)
        {
            var suffix = all[^n..];
            // The match must end before the suffix itself starts being compared with itself: start ≤ length - n - 1.
            for (int start = all.Length - n - 1; start >= 0; start--)
            {
                if (!all.Slice(start, n).SequenceEqual(suffix)) continue;
                // The match repeats the text `period` tokens later, so the proposal does too: past the end, it copies itself.
                int period = all.Length - n - start;
                var proposal = new int[k];
                for (int i = 0; i < k; i++) proposal[i] = i < period ? all[start + n + i] : proposal[i - period];
                return proposal;
            }
        }
        return [];
    }
}
