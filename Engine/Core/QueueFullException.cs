namespace Engine.Core;

/// <summary>The waiting queue is at --max-num-queued-requests; the API answers 429 with Retry-After.</summary>
public sealed class QueueFullException(int limit)
    : Exception($"The server is busy: {limit} requests are already waiting (--max-num-queued-requests). Retry later.");
