using Engine.Backends;
using Engine.Core;

namespace Engine.Lora;

/// <summary>
/// The adapters of one forward step: each adapter's token rows, and after every base projection the delta
/// scale · (x · Aᵀ) · Bᵀ of those rows added into its output (gather the rows, two small matmuls, add back by row).
/// </summary>
public sealed class LoraStep
{
    private readonly IComputeBackend _backend;
    private readonly LoraScratch _scratch;
    private readonly (LoraAdapter Adapter, int[] Rows, float[] Scales)[] _groups;

    /// <param name="groups">Each adapter of the step with the batch rows of its tokens (an adapter at most once).</param>
    public LoraStep(IComputeBackend backend, LoraScratch scratch, IEnumerable<(LoraAdapter Adapter, int[] Rows)> groups)
    {
        (_backend, _scratch) = (backend, scratch);
        _groups = [.. groups.Select(g => (g.Adapter, g.Rows, Enumerable.Repeat(g.Adapter.Scale, g.Rows.Length).ToArray()))];
    }

    /// <summary>The step's adapter groups (tokens in batch order: each sequence's scheduled tokens, then its drafts); null
    /// when no sequence of the step uses an adapter.</summary>
    public static LoraStep? For(IReadOnlyList<ScheduledSequence> step, IReadOnlyList<int[]> drafts, IComputeBackend backend, LoraScratch scratch)
    {
        Dictionary<LoraAdapter, List<int>>? rows = null;
        for (int s = 0, t = 0; s < step.Count; s++)
        {
            int count = step[s].TokenCount + drafts[s].Length;
            if (step[s].Sequence.Lora is { } adapter)
            {
                rows ??= [];
                if (!rows.TryGetValue(adapter, out var list)) rows[adapter] = list = [];
                list.AddRange(Enumerable.Range(t, count));
            }
            t += count;
        }
        return rows is null ? null : new LoraStep(backend, scratch, rows.Select(g => (g.Key, g.Value.ToArray())));
    }

    /// <summary>output[rows] += scale · (input[rows] · Aᵀ) · Bᵀ for every adapter that targets this projection of this layer.</summary>
    public void Apply(int layer, LoraTarget target, Tensor input, Tensor output)
    {
        foreach (var (adapter, rows, scales) in _groups)
        {
            if (adapter.Weights(layer, target) is not { } weights) continue;
            var (a, b) = weights;
            int n = rows.Length;
            var x = input;
            if (n != input.Rows)   // else the adapter has every row, in order
            {
                x = _scratch.Rows(LoraScratch.Role.Input, input.Cols, n);
                _backend.GatherRows(input, rows, x);
            }
            var reduced = _scratch.Rows(LoraScratch.Role.Reduced, a.Rows, n);
            _backend.MatMul(x, a, null, reduced);
            var delta = _scratch.Rows(LoraScratch.Role.Delta, b.Rows, n);
            _backend.MatMul(reduced, b, null, delta);
            _backend.AddScaledRows(output, delta, rows, scales);
        }
    }
}
