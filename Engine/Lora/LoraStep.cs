using Engine.Backends;
using Engine.Core;

namespace Engine.Lora;

/// <summary>
/// The adapters of one forward step: each adapter's token rows, and after every base projection the delta
/// scale · (x · Aᵀ) · Bᵀ of each adapter's rows added into its output, all adapters in one backend op.
/// </summary>
public sealed class LoraStep
{
    private readonly IComputeBackend _backend;
    private readonly (LoraAdapter Adapter, int[] Rows)[] _groups;

    /// <param name="groups">Each adapter of the step with the batch rows of its tokens (an adapter at most once).</param>
    public LoraStep(IComputeBackend backend, IEnumerable<(LoraAdapter Adapter, int[] Rows)> groups)
    {
        _backend = backend;
        _groups = [.. groups];
    }

    /// <summary>The step's adapter groups (tokens in batch order: each sequence's scheduled tokens, then its drafts); null
    /// when no sequence of the step uses an adapter.</summary>
    public static LoraStep? For(IReadOnlyList<ScheduledSequence> step, IReadOnlyList<int[]> drafts, IComputeBackend backend)
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
        return rows is null ? null : new LoraStep(backend, rows.Select(g => (g.Key, g.Value.ToArray())));
    }

    /// <summary>output[rows] += scale · (input[rows] · Aᵀ) · Bᵀ for every adapter that targets this projection of this layer.</summary>
    public void Apply(int layer, LoraTarget target, Tensor input, Tensor output)
    {
        var deltas = new List<LoraDelta>(_groups.Length);
        foreach (var (adapter, rows) in _groups)
            if (adapter.Weights(layer, target) is { } weights) deltas.Add(new LoraDelta(weights.Down, weights.Up, rows, adapter.Scale));
        if (deltas.Count > 0) _backend.AddLoraDeltas(input, deltas, output);
    }
}
