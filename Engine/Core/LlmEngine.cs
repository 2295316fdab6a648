using System.Diagnostics;
using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Lora;
using Engine.Models;
using Engine.Pooling;
using Engine.Sampling;
using Engine.Speculation;
using Engine.StructuredOutput;
using Engine.StructuredOutput.Matching;
using Engine.Tokenization;

namespace Engine.Core;

/// <summary>
/// The engine (nano-vllm's LLMEngine): owns the model, the KV cache, the scheduler and the tokenizer, and runs
/// the step loop on its own thread. Requests are added and aborted from any thread; each request's tokens
/// arrive on its sequence's channel. Scheduling and bookkeeping happen under one lock; the forward pass
/// runs outside it, which is safe because blocks freed meanwhile are only handed out by the next schedule.
/// </summary>
public sealed class LlmEngine : IDisposable
{
    private readonly object _gate = new();
    /// <summary>Held by whoever uses the backend: the step loop, and an adapter upload.</summary>
    private readonly object _backendGate = new();
    private readonly IComputeBackend _backend;
    private readonly Scheduler _scheduler;
    private readonly BlockManager _blocks;
    private readonly ModelRunner _runner;
    private readonly Thread _loop;
    private readonly IReadOnlyList<int> _eosTokenIds;
    private readonly Random _seeds;
    private readonly Lazy<TokenVocabulary> _vocabulary;
    private readonly GrammarCache _grammars = new(capacity: 64);
    private bool _stopping;

    public LlmEngine(EngineOptions options, IComputeBackend? backend = null)
    {
        Options = options;
        _backend = backend ?? DefaultBackend(options);
        if (options.MaxNumSeqs > options.MaxNumBatchedTokens)
            throw new ArgumentException($"--max-num-seqs ({options.MaxNumSeqs}) must not exceed --max-num-batched-tokens ({options.MaxNumBatchedTokens}).");
        if (options.SpeculativeConfig is not null && options.Runner == EngineRunner.Pooling)
            throw new ArgumentException("--speculative-config speeds up generation, and --runner pooling generates nothing: drop one of them.");
        if (options.LoraModules.Count > 0 && !options.EnableLora) throw new ArgumentException("--lora-modules needs --enable-lora.");
        if (options.MaxLoras < 1) throw new ArgumentException($"--max-loras must be at least 1, got {options.MaxLoras}.");
        if (options.MaxLoraRank < 1) throw new ArgumentException($"--max-lora-rank must be at least 1, got {options.MaxLoraRank}.");
        ModelConfig config;
        using (var source = ModelSource.Open(options.Model, options.Tokenizer))
        {
            config = source.Config;
            MaxModelLen = options.MaxModelLen ?? Math.Min(config.MaxPositionEmbeddings, 8192);
            Tokenizer = source.Tokenizer;
            ChatTemplate = source.ChatTemplate;
            Model = ModelLoader.Load(source, _backend, options.DType, options.Quantization, options.DummyWeights, MaxModelLen, options.MaxNumBatchedTokens,
                MaxLogitRows(options), languageModelHead: options.Runner == EngineRunner.Generate, options.LoadPacer);
        }

        KvCacheDType = options.KvCacheDType ?? KvCacheDTypes.ForWeights(Model.MatMulWeightDTypes);

        // Blocks are released behind the window only when every layer slides (Gemma's global layers read everything):
        // then a sequence holds at most its window plus one step's chunk.
        int window = config.FullAttentionLayers.Count == 0 ? config.SlidingWindow ?? 0 : 0;
        int held = window > 0 ? Math.Min(MaxModelLen, window + options.MaxNumBatchedTokens + options.BlockSize) : MaxModelLen;
        int blocksPerSequence = (held + options.BlockSize - 1) / options.BlockSize;
        long bytesPerBlock = KvCache.BytesPerBlock(config.NumLayers, options.BlockSize, config.NumKvHeads, config.HeadDim, KvCacheDType);
        long wanted = (long)options.MaxNumSeqs * blocksPerSequence * bytesPerBlock;
        // Without --kv-cache-memory: what the backend offers (a GPU: --gpu-memory-utilization of its free memory), else 1 GiB.
        long budget = options.KvCacheMemory ?? Math.Min(wanted, _backend.KvCacheBudget() ?? 1L << 30);
        int blockCount = (int)Math.Min(int.MaxValue / options.BlockSize, budget / bytesPerBlock);
        if (blockCount < blocksPerSequence)
            throw new ArgumentException($"--kv-cache-memory {budget} bytes holds {blockCount} blocks of {options.BlockSize} tokens, fewer than the {blocksPerSequence} one sequence of --max-model-len {MaxModelLen} needs" +
                (window > 0 ? $" (sliding window {window})." : "."));
        KvCacheBytes = blockCount * bytesPerBlock;
        var cache = _backend.AllocateKvCache(config.NumLayers, blockCount, options.BlockSize, config.NumKvHeads, config.HeadDim, KvCacheDType);

        _blocks = new BlockManager(blockCount, options.BlockSize, options.EnablePrefixCaching, window);
        _scheduler = new Scheduler(options, _blocks, Lookahead);
        if (options.EnableLora)
        {
            Loras = new LoraRegistry(config, _backend, options.MaxLoraRank, _backendGate);
            foreach (var module in options.LoraModules) Loras.Load(module);
        }
        _runner = new ModelRunner(Model, _backend, cache, Proposer(options, blockCount, window));
        _eosTokenIds = config.EosTokenIds.Union(Tokenizer.EosTokenIds).ToList();
        _seeds = options.Seed is { } seed ? new Random((int)seed) : new Random();
        _vocabulary = new Lazy<TokenVocabulary>(() => TokenVocabulary.Build(Tokenizer, Config.VocabSize));
        _loop = new Thread(RunLoop) { IsBackground = true, Name = "llm-engine" };
        _loop.Start();
    }

    /// <summary>Logit rows one step may want: one per sequence, and under speculative decoding one more per draft token.</summary>
    private static int MaxLogitRows(EngineOptions options) => options.SpeculativeConfig is { } config
        ? (int)Math.Min(options.MaxNumBatchedTokens, (long)options.MaxNumSeqs * (config.NumSpeculativeTokens + 1))
        : options.MaxNumSeqs;

    /// <param name="window">The sliding window behind which the target releases blocks (0: none). A draft model reads its
    /// whole context through the target's block tables, so it cannot follow such a target.</param>
    private IDraftProposer? Proposer(EngineOptions options, int blocks, int window) => options.SpeculativeConfig?.Method switch
    {
        null => null,
        SpeculativeMethod.Ngram => new NgramProposer(options.SpeculativeConfig),
        _ when window > 0 => throw new ArgumentException(
            $"--speculative-config: a draft model cannot follow this model, whose sliding window ({window}) releases the KV blocks behind it; use method ngram."),
        _ => new DraftModelProposer(options, _backend, Tokenizer, Config, MaxModelLen, blocks),
    };

    /// <summary>The backend when none is given: the CPU one. Other devices' backends live in other libraries
    /// (Engine.Backends.Ilgpu), so whoever serves them builds them and passes them in.</summary>
    public static IComputeBackend DefaultBackend(EngineOptions options) => options.Device == CpuBackend.DeviceName
        ? new CpuBackend(options.Threads)
        : throw new ArgumentException($"--device {options.Device}: pass its backend to the engine (only the CPU backend is built in).");

    public EngineOptions Options { get; }
    public LlamaModel Model { get; }
    public ModelConfig Config => Model.Config;
    public ITextTokenizer Tokenizer { get; }
    /// <summary>The model's chat template (tokenizer_config.json's, or a GGUF's tokenizer.chat_template); null if none.</summary>
    public string? ChatTemplate { get; }
    public int MaxModelLen { get; }
    /// <summary>Bytes of the KV cache allocated for this engine (its blocks × bytes per block).</summary>
    public long KvCacheBytes { get; }

    /// <summary>How the KV cache stores K and V: --kv-cache-dtype, or what auto chose for the weights.</summary>
    public KvCacheDType KvCacheDType { get; }
    public EngineStatistics Statistics { get; } = new();
    /// <summary>The LoRA adapters this engine serves; null without --enable-lora.</summary>
    public LoraRegistry? Loras { get; }

    /// <summary>The vocabulary as structured outputs see it (built on first use).</summary>
    public TokenVocabulary Vocabulary => _vocabulary.Value;

    /// <summary>Compiles <paramref name="grammar"/> for this model's vocabulary, or returns the copy compiled before
    /// (the last 64 grammars are kept, with their mask caches). Throws <see cref="GrammarException"/> for a grammar
    /// that cannot be compiled.</summary>
    public CompiledGrammar CompileGrammar(Grammar grammar) =>
        _grammars.GetOrAdd(grammar.Key, () => GrammarCompiler.Compile(grammar, Vocabulary));

    /// <summary>Queues a request of one sequence; see <see cref="AddAll"/>.</summary>
    public Sequence Add(string requestId, IReadOnlyList<int> prompt, SamplingParams parameters, int priority = 0, LoraAdapter? lora = null) =>
        AddAll([(requestId, prompt, parameters)], priority, lora)[0];

    /// <summary>Queues the sequences of one request (its prompts × n) as one: every one is checked before any is queued,
    /// and the queue takes all or none. Throws <see cref="ArgumentException"/> for a request that can never run (naming the
    /// parameter at fault: prompt, max_tokens, a sampling parameter, or n when it has more sequences than the queue holds),
    /// <see cref="QueueFullException"/> when the waiting queue has no room for them now. Every sequence runs with
    /// <paramref name="lora"/> (one of <see cref="Loras"/>; null: the base model).</summary>
    public IReadOnlyList<Sequence> AddAll(IReadOnlyList<(string Id, IReadOnlyList<int> Prompt, SamplingParams Parameters)> sequences, int priority = 0,
        LoraAdapter? lora = null)
    {
        if (sequences.Count > Options.MaxNumQueuedRequests)
            throw new ArgumentException($"One request may have at most {Options.MaxNumQueuedRequests} sequences (prompts × n; " +
                $"--max-num-queued-requests), this one has {sequences.Count}.", "n");
        CheckAdapter(lora);
        var prepared = sequences.Select(s => Prepare(s.Id, s.Prompt, s.Parameters, priority, lora)).ToList();
        Enqueue(prepared);
        return prepared;
    }

    private void Enqueue(IReadOnlyList<Sequence> sequences)
    {
        lock (_gate)
        {
            try
            {
                _scheduler.Add(sequences);
            }
            catch (QueueFullException)
            {
                Statistics.RequestRejected();
                throw;
            }
            Monitor.Pulse(_gate);
        }
    }

    private void CheckAdapter(LoraAdapter? lora)
    {
        if (lora is not null && Loras is null) throw new ArgumentException("LoRA is not enabled: start with --enable-lora to use adapters.", "model");
    }

    private Sequence Prepare(string requestId, IReadOnlyList<int> prompt, SamplingParams parameters, int priority, LoraAdapter? lora)
    {
        if (Options.Runner == EngineRunner.Pooling)
            throw new ArgumentException("This model runs with --runner pooling: it computes embeddings and generates no text.", nameof(prompt));
        CheckPrompt(prompt);
        if (prompt.Count + parameters.MaxTokens > MaxModelLen)
            throw new ArgumentException($"This model's maximum context length is {MaxModelLen} tokens. However, you requested " +
                $"{prompt.Count + parameters.MaxTokens} tokens ({prompt.Count} in the messages, {parameters.MaxTokens} in the completion). " +
                "Please reduce the length of the messages or completion.", nameof(parameters.MaxTokens));
        parameters.Validate(Config.VocabSize);
        if (parameters.StructuredOutput is not null && _eosTokenIds.Count == 0 && parameters.StopTokenIds.Count == 0)
            throw new ArgumentException("Structured outputs need an end-of-sequence token, and this model has none: pass stop_token_ids.", nameof(parameters.StopTokenIds));
        var seeded = parameters.Seed is null ? parameters with { Seed = NextSeed() } : parameters;
        return new Sequence(requestId, prompt, parameters, new SequenceSampler(seeded, _eosTokenIds), priority, lora: lora);
    }

    /// <summary>Queues a pooling request: the prompt is computed (through the same scheduler, batched with everything
    /// else), nothing is sampled, and its one output carries the pooled final hidden state; its KV blocks are freed
    /// at once. Throws like <see cref="Add"/>.</summary>
    public Sequence AddPooling(string requestId, IReadOnlyList<int> prompt, PoolingType pooling, int priority = 0, LoraAdapter? lora = null)
    {
        CheckAdapter(lora);
        CheckPrompt(prompt);
        if (prompt.Count > MaxModelLen)
            throw new ArgumentException($"This model's maximum context length is {MaxModelLen} tokens, but the input has {prompt.Count}.", nameof(prompt));
        var nothing = new SamplingParams { MaxTokens = 0 };
        var seq = new Sequence(requestId, prompt, nothing, new SequenceSampler(nothing, _eosTokenIds), priority, new SequencePooling(pooling), lora);
        Enqueue([seq]);
        return seq;
    }

    private void CheckPrompt(IReadOnlyList<int> prompt)
    {
        if (prompt.Count == 0) throw new ArgumentException("The prompt is empty.", nameof(prompt));
        if (prompt.Any(id => (uint)id >= (uint)Config.VocabSize))
            throw new ArgumentException($"Prompt token ids must be in [0, {Config.VocabSize}).", nameof(prompt));
    }

    /// <summary>Stops a request now: its blocks are freed and its channel completes. The API passes
    /// <see cref="FinishReason.Stop"/> when it stops a request on a stop string.</summary>
    public void Abort(Sequence seq, FinishReason reason = FinishReason.Abort)
    {
        lock (_gate)
        {
            if (seq.IsFinished) return;
            _scheduler.Finish(seq, reason);
            seq.Output.Writer.TryComplete();
            Statistics.RequestFinished(seq);
        }
    }

    /// <summary>Stops every request now (running or waiting): each one's channel completes with <paramref name="error"/>,
    /// which its reader sees (an unloaded model ends what is left of its requests this way).</summary>
    public void AbortAll(Exception error)
    {
        lock (_gate)
        {
            foreach (var seq in _scheduler.Unfinished)
            {
                _scheduler.Finish(seq, FinishReason.Abort);
                seq.Output.Writer.TryComplete(error);
                Statistics.RequestFinished(seq);
            }
        }
    }

    public EngineSnapshot Snapshot()
    {
        lock (_gate)
            return new EngineSnapshot(_scheduler.RunningCount, _scheduler.WaitingCount, _blocks.Usage, _blocks.FreeBlocks,
                _blocks.TotalBlocks, _scheduler.PrefixQueryTokens, _scheduler.PrefixHitTokens, _scheduler.Preemptions);
    }

    private long NextSeed()
    {
        lock (_seeds) return _seeds.NextInt64();
    }

    private void RunLoop()
    {
        while (true)
        {
            List<ScheduledSequence> step;
            lock (_gate)
            {
                while (!_stopping && !_scheduler.HasWork) Monitor.Wait(_gate);
                if (_stopping) return;
                step = _scheduler.Schedule();
            }
            if (step.Count == 0)
            {
                Thread.Yield();
                continue;
            }
            StepResults results;
            try
            {
                lock (_backendGate) results = _runner.Run(step);
            }
            catch (Exception error)
            {
                FailStep(step, error);
                continue;
            }
            lock (_gate) Complete(step, results);
        }
    }

    private void Complete(List<ScheduledSequence> step, StepResults results)
    {
        _scheduler.Computed(step, results.AcceptedDrafts);
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < step.Count; i++)
        {
            var (seq, tokens) = step[i];
            if (seq.IsFinished) continue;   // aborted while the step ran
            Statistics.PromptTokensComputed(seq, tokens, step[i].Completes);
            if (results.Pooled[i] is { } pooled)
            {
                _scheduler.Finish(seq, FinishReason.Stop);   // no KV kept: its blocks are free again
                seq.Output.Writer.TryWrite(new SequenceOutput(-1, 0, null, FinishReason.Stop) { Pooled = pooled });
                seq.Output.Writer.TryComplete();
                Statistics.RequestFinished(seq);
                continue;
            }
            if (results.Samples[i] is not { } result) continue;
            var drafts = results.Drafts[i];
            int accepted = results.AcceptedDrafts[i];
            if (drafts.Length > 0) Statistics.DraftsVerified(drafts.Length, accepted);
            // Accepted drafts come first; EOS, a stop token or max_tokens among them ends the output there.
            bool finished = false;
            for (int d = 0; d < accepted && !finished; d++) finished = Emit(seq, new SampleResult(drafts[d], float.NaN, null), now);
            if (!finished) Emit(seq, result, now);
        }
    }

    /// <summary>Appends a generated token and sends it; true when it ends the sequence.</summary>
    private bool Emit(Sequence seq, SampleResult result, long now)
    {
        seq.TokenIds.Add(result.TokenId);
        seq.Sampler.Accept(result.TokenId);
        Statistics.TokenGenerated(seq, now);
        seq.FirstTokenTimestamp ??= now;
        seq.LastTokenTimestamp = now;
        var reason = StopReason(seq, result.TokenId);
        if (reason is { } r) _scheduler.Finish(seq, r);
        seq.Output.Writer.TryWrite(new SequenceOutput(result.TokenId, result.Logprob, result.TopLogprobs, reason));
        if (reason is null) return false;
        seq.Output.Writer.TryComplete();
        Statistics.RequestFinished(seq);
        return true;
    }

    /// <summary>Speculative decoding: how many draft tokens the sequence may have verified in its next decode step (0 for
    /// sequences whose sampling forbids it, see <see cref="SequenceSampler.AcceptsDrafts"/>): never past max_tokens, whose
    /// last token the verification itself samples, nor past the model's length.</summary>
    private int Lookahead(Sequence seq) => Options.SpeculativeConfig is not { } config || seq.Pooling is not null || !seq.Sampler.AcceptsDrafts ? 0
        : Math.Max(0, Math.Min(config.NumSpeculativeTokens, Math.Min(seq.Parameters.MaxTokens - seq.CompletionLength - 1, MaxModelLen - seq.Length)));

    private FinishReason? StopReason(Sequence seq, int token)
    {
        var p = seq.Parameters;
        if (seq.CompletionLength >= p.MinTokens)
        {
            if (!p.IgnoreEos && _eosTokenIds.Contains(token)) return FinishReason.Stop;
            if (seq.StopTokens.Contains(token)) return FinishReason.Stop;
        }
        if (seq.CompletionLength >= p.MaxTokens || seq.Length >= MaxModelLen) return FinishReason.Length;
        return null;
    }

    private void FailStep(List<ScheduledSequence> step, Exception error)
    {
        lock (_gate)
        {
            foreach (var (seq, _) in step)
            {
                if (seq.IsFinished) continue;
                _scheduler.Finish(seq, FinishReason.Abort);
                seq.Output.Writer.TryComplete(new InvalidOperationException("The engine failed while computing this request: " + error.Message, error));
                Statistics.RequestFinished(seq);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _loop.Join();
        _backend.Dispose();
    }
}
