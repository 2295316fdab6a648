namespace InferenceService.Api;

/// <summary>
/// One choice of a response as its endpoint shapes it: it takes the choice's deltas, says what to stream for each,
/// and gives its part of the whole response. The shared path wraps each streamed entry in a chunk.
/// </summary>
public abstract class ChoiceOutput
{
    /// <summary>The entries to stream before any token (chat: the assistant's role; completions: an echoed prompt).</summary>
    public virtual IEnumerable<object> Opening() => [];

    /// <summary>Takes the next delta and returns the entries to stream for it (none, one or more).</summary>
    public abstract IReadOnlyList<object> Add(GenerationDelta delta);

    /// <summary>The choice in the whole (non-streamed) response.</summary>
    public abstract object Complete();
}
