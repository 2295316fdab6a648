using System.Diagnostics;
using System.Threading.Channels;
using Engine.Lora;
using Engine.Pooling;
using Engine.Sampling;

namespace Engine.Core;

/// <summary>
/// One request's tokens and state in the engine (nano-vllm's Sequence): prompt + generated ids, its block
/// table, how many of its tokens already have K/V in the cache, and the channel its outputs go to. A pooling
/// sequence (embeddings) only computes its prompt: it samples nothing and ends with its pooled hidden state.
/// </summary>
public sealed class Sequence
{
    private static long _arrivals;

    public Sequence(string requestId, IReadOnlyList<int> promptIds, SamplingParams parameters, SequenceSampler sampler, int priority = 0,
        SequencePooling? pooling = null, LoraAdapter? lora = null)
    {
        Pooling = pooling;
        Lora = lora;
        RequestId = requestId;
        TokenIds = [.. promptIds];
        PromptLength = promptIds.Count;
        Parameters = parameters;
        StopTokens = parameters.StopTokenIds.ToHashSet();
        Sampler = sampler;
        Priority = priority;
        Arrival = Interlocked.Increment(ref _arrivals);
    }

    public string RequestId { get; }
    public List<int> TokenIds { get; }
    public int PromptLength { get; }
    public SamplingParams Parameters { get; }
    /// <summary>The stop token ids as a set: looked up for every generated token, under the engine's lock.</summary>
    public IReadOnlySet<int> StopTokens { get; }
    public SequenceSampler Sampler { get; }
    /// <summary>Set for a pooling sequence: what becomes of its final hidden states.</summary>
    public SequencePooling? Pooling { get; }
    /// <summary>The LoRA adapter applied to this sequence's tokens (null: the base model).</summary>
    public LoraAdapter? Lora { get; }
    /// <summary>Lower runs first under the priority policy.</summary>
    public int Priority { get; }
    /// <summary>Arrival order: FCFS order, and the tie-break under priority.</summary>
    public long Arrival { get; }

    public SequenceStatus Status { get; set; } = SequenceStatus.Waiting;
    public FinishReason? FinishReason { get; set; }
    public List<int> BlockTable { get; } = [];
    /// <summary>Leading block-table entries a sliding window has released (-1 now), and the prefix-cache hash of the last
    /// of them, which the hash chain of later blocks continues from.</summary>
    public int ReleasedBlocks { get; set; }
    public ulong ReleasedChainHash { get; set; }
    /// <summary>Leading tokens whose K/V are in the cache (prefix-cache hits plus what steps computed).</summary>
    public int CachedTokens { get; set; }
    /// <summary>Tokens of the cache hit when this sequence was admitted (for prefix-cache statistics).</summary>
    public int PrefixHitTokens { get; set; }

    public Channel<SequenceOutput> Output { get; } = Channel.CreateUnbounded<SequenceOutput>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public long ArrivalTimestamp { get; } = Stopwatch.GetTimestamp();
    public long? FirstScheduledTimestamp { get; set; }
    public long? FirstTokenTimestamp { get; set; }
    public long? LastTokenTimestamp { get; set; }

    public int Length => TokenIds.Count;
    public int CompletionLength => TokenIds.Count - PromptLength;
    public int UncomputedTokens => TokenIds.Count - CachedTokens;
    public bool IsFinished => Status == SequenceStatus.Finished;
}
