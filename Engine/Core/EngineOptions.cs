using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Loading;
using Engine.Lora;
using Engine.Speculation;

namespace Engine.Core;

/// <summary>Engine settings, named after vLLM's flags (see README for each).</summary>
public sealed record EngineOptions
{
    /// <summary>--model: a local model folder, a .gguf file, or a folder holding exactly one .gguf.</summary>
    public required string Model { get; init; }
    /// <summary>--gguf-file: with a repo id as --model, the one .gguf to pull (a file name or a quantization tag, as
    /// "org/name:Q4_K_M" gives one); a local folder's file is joined to Model when the flags are read.</summary>
    public string? GgufFile { get; init; }
    /// <summary>--tokenizer: a Hugging Face folder whose tokenizer (and chat template) replace the model's.</summary>
    public string? Tokenizer { get; init; }
    /// <summary>--quantization q8_0|q4_0|q4_k: quantize float weight matrices at load (null: keep them as stored).</summary>
    public DType? Quantization { get; init; }
    /// <summary>--max-model-len: prompt + output tokens per request; default the model's max_position_embeddings (capped at 8192 on CPU).</summary>
    public int? MaxModelLen { get; init; }
    /// <summary>--max-num-seqs: sequences in one step.</summary>
    public int MaxNumSeqs { get; init; } = 256;
    /// <summary>--max-num-batched-tokens: tokens in one step (decodes + prefill chunks).</summary>
    public int MaxNumBatchedTokens { get; init; } = 2048;
    /// <summary>--block-size: tokens per KV cache block.</summary>
    public int BlockSize { get; init; } = 16;
    /// <summary>--kv-cache-memory: bytes for the KV cache pool (default 1 GiB, never more than needed for max-num-seqs full sequences).</summary>
    public long? KvCacheMemory { get; init; }
    /// <summary>--kv-cache-dtype auto|float32|bfloat16|fp8_e4m3|fp8_e5m2: how K and V are stored; null (auto) follows the
    /// weights (<see cref="KvCacheDTypes.ForWeights"/>), <see cref="LlmEngine.KvCacheDType"/> says what it chose.</summary>
    public KvCacheDType? KvCacheDType { get; init; }
    /// <summary>--enable-prefix-caching / --no-enable-prefix-caching.</summary>
    public bool EnablePrefixCaching { get; init; } = true;
    /// <summary>--scheduling-policy fcfs|priority.</summary>
    public SchedulingPolicy SchedulingPolicy { get; init; } = SchedulingPolicy.Fcfs;
    /// <summary>--max-num-queued-requests: waiting requests beyond this are rejected at once.</summary>
    public int MaxNumQueuedRequests { get; init; } = 1024;
    /// <summary>--dtype: null = auto (the checkpoint's dtype: BF16 stays BF16 on CPU; F16 runs as F32).</summary>
    public DType? DType { get; init; }
    /// <summary>--load-format dummy: random weights.</summary>
    public bool DummyWeights { get; init; }
    /// <summary>--seed: seed for requests that give none (null: random).</summary>
    public long? Seed { get; init; }
    /// <summary>CPU threads (default: all cores).</summary>
    public int? Threads { get; init; }
    /// <summary>--device cpu|cuda|ilgpu-cpu: the compute backend (cuda and ilgpu-cpu are the ILGPU backend; ilgpu-cpu is an emulator for tests).</summary>
    public string Device { get; init; } = CpuBackend.DeviceName;
    /// <summary>--gpu-memory-utilization: on a GPU, the fraction of its memory left free by the model that the KV cache may take (unless --kv-cache-memory is given).</summary>
    public double GpuMemoryUtilization { get; init; } = 0.9;
    /// <summary>--speculative-config: speculative decoding (n-gram prompt lookup or a draft model); null: none.</summary>
    public SpeculativeConfig? SpeculativeConfig { get; init; }
    /// <summary>--enable-lora: requests may name LoRA adapters (loaded from --lora-modules or at run time).</summary>
    public bool EnableLora { get; init; }
    /// <summary>--lora-modules: adapters loaded at start, each served under its own name.</summary>
    public IReadOnlyList<LoraModule> LoraModules { get; init; } = [];
    /// <summary>--max-loras: the most distinct adapters in one step (sequences of further adapters wait).</summary>
    public int MaxLoras { get; init; } = 1;
    /// <summary>--max-lora-rank: adapters of a higher rank r are refused.</summary>
    public int MaxLoraRank { get; init; } = 16;
    /// <summary>--runner generate|pooling: pooling loads no lm_head and only embeds.</summary>
    public EngineRunner Runner { get; init; } = EngineRunner.Generate;
    /// <summary>Not a flag: a server loading this model beside others it serves paces the load (see <see cref="LoadPacer"/>).</summary>
    public LoadPacer? LoadPacer { get; init; }
}

public enum SchedulingPolicy
{
    Fcfs,
    Priority,
}

/// <summary>vLLM's --runner: what the engine runs its model for.</summary>
public enum EngineRunner
{
    /// <summary>Text generation (and embeddings, pooled from the same forward).</summary>
    Generate,
    /// <summary>Embeddings only (e.g. Qwen3-Embedding, whose checkpoint has no lm_head).</summary>
    Pooling,
}
