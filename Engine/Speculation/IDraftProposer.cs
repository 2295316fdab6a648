using Engine.Backends;
using Engine.Core;

namespace Engine.Speculation;

/// <summary>Proposes each step's draft tokens: for the sequence at each index of the step, at most its
/// <see cref="ScheduledSequence.Lookahead"/> tokens that are likely to follow its last token.</summary>
public interface IDraftProposer
{
    /// <param name="baseBatch">The step as it would run without speculation (a draft model runs it too, so its own KV cache
    /// keeps up with the target's).</param>
    int[][] Propose(IReadOnlyList<ScheduledSequence> step, ForwardBatch baseBatch);
}
