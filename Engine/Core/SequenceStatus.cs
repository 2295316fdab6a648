namespace Engine.Core;

public enum SequenceStatus
{
    Waiting,
    Running,
    Finished,
}

/// <summary>Why a sequence stopped, with OpenAI's finish_reason names.</summary>
public enum FinishReason
{
    /// <summary>EOS or a stop token id (or, decided by the API layer, a stop string).</summary>
    Stop,
    /// <summary>max_tokens or max-model-len reached.</summary>
    Length,
    /// <summary>Aborted by the client or the server.</summary>
    Abort,
}
