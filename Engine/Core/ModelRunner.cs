using Engine.Backends;
using Engine.Lora;
using Engine.Models;
using Engine.Sampling;
using Engine.Speculation;

namespace Engine.Core;

/// <summary>
/// Turns a scheduled step into one batched forward (token ids, positions, slot mapping, block tables) and
/// samples the next token of every sequence whose last token the step computed, each with its own parameters.
/// Pooling sequences in the step get the final hidden states of their tokens instead.
/// </summary>
public sealed class ModelRunner(LlamaModel model, IComputeBackend backend, KvCache cache, IDraftProposer? proposer = null)
{
    private float[] _logits = [];
    private float[] _hidden = [];
    private int[] _ids = [];

    /// <summary>Runs the step: the sampled token of each sequence that samples (null for partial prefill chunks), the
    /// pooled vector of each pooling sequence whose input the step completed, and under speculative decoding the drafts
    /// and how many of them were accepted (their K/V are then in the cache; the sampled token follows them).</summary>
    public StepResults Run(IReadOnlyList<ScheduledSequence> step)
    {
        var noDrafts = new int[step.Count][];
        Array.Fill(noDrafts, []);
        var batch = BuildBatch(step, cache.BlockSize, noDrafts);
        var results = new StepResults(new SampleResult?[step.Count], new float[]?[step.Count], noDrafts, new int[step.Count]);
        if (batch.TokenCount == 0) return results;
        // Every step, even one without lookahead: a draft model computes each step's tokens into its own cache.
        if (proposer is not null)
        {
            results = results with { Drafts = proposer.Propose(step, batch) };
            if (results.Drafts.Any(d => d.Length > 0)) batch = BuildBatch(step, cache.BlockSize, results.Drafts);
        }
        var adapters = LoraStep.For(step, results.Drafts, backend);
        var logits = model.Forward(batch, cache, adapters);
        if (step.Any(s => s.Sequence.Pooling is not null)) Pool(step, batch, results.Pooled);
        if (batch.LogitTokenIndices.Length > 0) Sample(step, logits, results);
        return results;
    }

    private void Sample(IReadOnlyList<ScheduledSequence> step, Tensor logits, StepResults results)
    {
        var drafts = results.Drafts;
        if (step.All(s => !s.Samples || IsPlainGreedy(s.Sequence)))
        {
            // Only the argmax decides: the backend computes it (on a GPU, so only the ids cross to the host).
            if (_ids.Length < logits.Rows) _ids = new int[logits.Rows];
            backend.ArgMax(logits, _ids);
            for (int i = 0, r = 0; i < step.Count; i++)
            {
                if (!step[i].Samples) continue;
                // Greedy verification: drafts stand while each is the argmax after the one before.
                int accepted = 0;
                while (accepted < drafts[i].Length && _ids[r + accepted] == drafts[i][accepted]) accepted++;
                results.AcceptedDrafts[i] = accepted;
                results.Samples[i] = new SampleResult(_ids[r + accepted], float.NaN, null);
                r += drafts[i].Length + 1;
            }
            return;
        }
        int vocab = model.Config.VocabSize;
        if (_logits.Length < logits.Rows * vocab) _logits = new float[logits.Rows * vocab];
        backend.Download(logits, _logits);

        int row = 0;
        for (int i = 0; i < step.Count; i++)
        {
            if (!step[i].Samples) continue;
            var seq = step[i].Sequence;
            var prompt = seq.TokenIds.GetRange(0, seq.PromptLength);
            if (drafts[i].Length == 0)
            {
                results.Samples[i] = seq.Sampler.Sample(_logits.AsSpan(row++ * vocab, vocab), prompt);
                continue;
            }
            int rows = drafts[i].Length + 1;
            var (accepted, token) = seq.Sampler.Verify(_logits.AsSpan(row * vocab, rows * vocab), vocab, drafts[i], prompt);
            results.AcceptedDrafts[i] = accepted;
            results.Samples[i] = new SampleResult(token, float.NaN, null);
            row += rows;
        }
    }
    /// <summary>Hands each pooling sequence the final hidden states of its tokens in this step.</summary>
    private void Pool(IReadOnlyList<ScheduledSequence> step, ForwardBatch batch, float[]?[] pooled)
    {
        var states = model.FinalHiddenStates();
        int hidden = model.Config.HiddenSize, count = states.Rows * hidden;
        if (_hidden.Length < count) _hidden = new float[count];
        backend.Download(states, _hidden.AsSpan(0, count));
        for (int i = 0, first = 0; i < step.Count; first += step[i].TokenCount, i++)
        {
            var (seq, tokens) = step[i];
            if (seq.Pooling is not { } pooling) continue;
            // Positions as the batch was built (an abort meanwhile may reset the sequence; its result is then dropped).
            int start = batch.Positions[first];
            bool completes = start + tokens == seq.Length;
            pooling.Add(_hidden.AsSpan(first * hidden, tokens * hidden), hidden, start, completes);
            if (completes) pooled[i] = pooling.Result;
        }
    }

    /// <summary>Greedy with nothing that changes the logits before the argmax (no penalties, bias, min-tokens mask,
    /// structured-output mask or logprobs).</summary>
    private static bool IsPlainGreedy(Sequence seq)
    {
        var p = seq.Parameters;
        return p.IsGreedy && p.Logprobs is null && p.StructuredOutput is null && p.RepetitionPenalty == 1f && p.PresencePenalty == 0f && p.FrequencyPenalty == 0f
            && (p.LogitBias is null || p.LogitBias.Count == 0) && seq.Sampler.GeneratedCount >= p.MinTokens;
    }

    /// <summary>The step's forward: each sequence's scheduled tokens, then its draft tokens (at the positions after its last
    /// token, in the slots its lookahead reserved); a sequence that samples wants the logits of its last token and of every
    /// draft token.</summary>
    public static ForwardBatch BuildBatch(IReadOnlyList<ScheduledSequence> step, int blockSize, IReadOnlyList<int[]> drafts)
    {
        int tokens = step.Sum(s => s.TokenCount) + drafts.Sum(d => d.Length);
        int maxBlocks = Math.Max(1, step.Count == 0 ? 1 : step.Max(s => s.Sequence.BlockTable.Count));
        var ids = new int[tokens];
        var positions = new int[tokens];
        var slots = new int[tokens];
        var owner = new int[tokens];
        var tables = new int[step.Count * maxBlocks];
        Array.Fill(tables, -1);
        var logitRows = new List<int>();
        int t = 0;
        for (int s = 0; s < step.Count; s++)
        {
            var (seq, count) = step[s];
            seq.BlockTable.CopyTo(tables, s * maxBlocks);
            for (int i = 0; i < count + drafts[s].Length; i++, t++)
            {
                int position = seq.CachedTokens + i;
                ids[t] = i < count ? seq.TokenIds[position] : drafts[s][i - count];
                positions[t] = position;
                slots[t] = seq.BlockTable[position / blockSize] * blockSize + position % blockSize;
                owner[t] = s;
            }
            if (step[s].Samples)
                for (int row = t - 1 - drafts[s].Length; row < t; row++) logitRows.Add(row);
        }
        return new ForwardBatch
        {
            TokenIds = ids,
            Positions = positions,
            SlotMapping = slots,
            TokenSequence = owner,
            BlockTables = tables,
            MaxBlocksPerSequence = maxBlocks,
            LogitTokenIndices = [.. logitRows],
        };
    }
}
