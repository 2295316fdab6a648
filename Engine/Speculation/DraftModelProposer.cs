using Engine.Backends;
using Engine.Core;
using Engine.Models;
using Engine.Tokenization;

namespace Engine.Speculation;

/// <summary>
/// A draft model's proposals: k greedy steps of a smaller model that shares the target's tokenizer. Its KV cache has as
/// many blocks of the same size as the target's, so the target's block tables and slots address it too: it runs every
/// step's batch as the target does (prefill chunks, recomputation after preemption, the token after accepted drafts), and
/// then feeds its own drafts one position at a time. Whatever the target keeps (prefix-cached blocks included) the
/// draft has therefore computed as well; what the target rolls back is overwritten later in both.
/// </summary>
public sealed class DraftModelProposer : IDraftProposer
{
    private readonly LlamaModel _model;
    private readonly IComputeBackend _backend;
    private readonly KvCache _cache;
    private int[] _ids = [];

    /// <param name="blocks">The target's KV cache blocks (of --block-size tokens).</param>
    public DraftModelProposer(EngineOptions options, IComputeBackend backend, ITextTokenizer targetTokenizer, ModelConfig target, int maxModelLen, int blocks)
    {
        var config = options.SpeculativeConfig!;
        _backend = backend;
        using var source = ModelSource.Open(config.Model!);
        var mismatch = Mismatch(source, targetTokenizer, target);
        if (mismatch is not null)
            throw new ArgumentException($"--speculative-config: the draft model {config.Model} {mismatch}; a draft must share the target's tokenizer.");
        _model = ModelLoader.Load(source, backend, options.DType, quantization: null, dummyWeights: false, maxModelLen,
            options.MaxNumBatchedTokens, options.MaxNumSeqs);
        var c = _model.Config;
        _cache = backend.AllocateKvCache(c.NumLayers, blocks, options.BlockSize, c.NumKvHeads, c.HeadDim,
            options.KvCacheDType ?? KvCacheDTypes.ForWeights(_model.MatMulWeightDTypes));
    }

    /// <summary>Why the draft cannot propose tokens for the target (another vocabulary or tokenizer), or null.</summary>
    private static string? Mismatch(ModelSource draft, ITextTokenizer targetTokenizer, ModelConfig target)
    {
        if (draft.Config.VocabSize != target.VocabSize)
            return $"has a vocabulary of {draft.Config.VocabSize} tokens, the target {target.VocabSize}";
        var tokenizer = draft.Tokenizer;
        if (tokenizer.VocabSize != targetTokenizer.VocabSize)
            return $"has a tokenizer of {tokenizer.VocabSize} tokens, the target's {targetTokenizer.VocabSize}";
        for (int id = 0; id < tokenizer.VocabSize; id++)
            if (tokenizer.IdToToken(id) != targetTokenizer.IdToToken(id))
                return $"has token {id} '{tokenizer.IdToToken(id)}' where the target's tokenizer has '{targetTokenizer.IdToToken(id)}'";
        return null;
    }

    public int[][] Propose(IReadOnlyList<ScheduledSequence> step, ForwardBatch baseBatch)
    {
        var drafts = step.Select(s => new List<int>(s.Lookahead)).ToArray();
        // The step's own tokens first: its logits rows are those of the sequences that sample, in step order.
        var logits = _model.Forward(baseBatch, _cache);
        if (baseBatch.LogitTokenIndices.Length == 0) return [.. drafts.Select(d => d.ToArray())];
        ArgMax(logits);
        for (int i = 0, row = 0; i < step.Count; i++)
        {
            if (!step[i].Samples) continue;
            if (step[i].Lookahead > 0) drafts[i].Add(_ids[row]);
            row++;
        }
        // Then each draft token in turn: its K/V always (the target may accept it), its logits while more are wanted.
        for (int j = 1; j <= step.Max(s => s.Lookahead); j++)
        {
            var active = Enumerable.Range(0, step.Count).Where(i => drafts[i].Count == j).ToList();
            if (active.Count == 0) break;
            var batch = DraftBatch(step, drafts, active, j, _cache.BlockSize);
            logits = _model.Forward(batch, _cache);
            if (batch.LogitTokenIndices.Length == 0) break;
            ArgMax(logits);
            for (int a = 0, row = 0; a < active.Count; a++)
                if (step[active[a]].Lookahead > j) drafts[active[a]].Add(_ids[row++]);
        }
        return [.. drafts.Select(d => d.ToArray())];
    }

    private void ArgMax(Tensor logits)
    {
        if (_ids.Length < logits.Rows) _ids = new int[logits.Rows];
        _backend.ArgMax(logits, _ids);
    }

    /// <summary>The <paramref name="j"/>-th draft token of each active sequence, at the position after the one before it.</summary>
    private static ForwardBatch DraftBatch(IReadOnlyList<ScheduledSequence> step, List<int>[] drafts, List<int> active, int j, int blockSize)
    {
        int maxBlocks = active.Max(i => step[i].Sequence.BlockTable.Count);
        var tables = new int[active.Count * maxBlocks];
        Array.Fill(tables, -1);
        var ids = new int[active.Count];
        var positions = new int[active.Count];
        var slots = new int[active.Count];
        var logitRows = new List<int>();
        for (int a = 0; a < active.Count; a++)
        {
            var (seq, tokens) = step[active[a]];
            seq.BlockTable.CopyTo(tables, a * maxBlocks);
            ids[a] = drafts[active[a]][j - 1];
            positions[a] = seq.CachedTokens + tokens + j - 1;
            slots[a] = seq.BlockTable[positions[a] / blockSize] * blockSize + positions[a] % blockSize;
            if (step[active[a]].Lookahead > j) logitRows.Add(a);
        }
        return new ForwardBatch
        {
            TokenIds = ids,
            Positions = positions,
            SlotMapping = slots,
            TokenSequence = [.. Enumerable.Range(0, active.Count)],
            BlockTables = tables,
            MaxBlocksPerSequence = maxBlocks,
            LogitTokenIndices = [.. logitRows],
        };
    }
}
