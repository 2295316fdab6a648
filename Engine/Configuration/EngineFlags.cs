using CommandLineFlags;

namespace Engine.Configuration;

/// <summary>
/// The engine's command-line flags, vLLM's names. Each is also the configuration key <c>Engine:&lt;PascalName&gt;</c>
/// (<see cref="ConfigurationKey"/>; environment <c>Engine__MaxModelLen</c>), which is how the AppHost hands the flags it
/// is given to the inference replicas. Here, in the engine library, so every program that takes them shares one list.
/// </summary>
public static class EngineFlags
{
    public const string Section = "Engine";

    /// <summary>The flags of <see cref="Core.EngineOptions"/>: what <c>serve</c>, <c>generate</c> and <c>bench</c> take.</summary>
    public static FlagSet Options { get; } = new(
    [
        KnownFlag.Value("model"),
        KnownFlag.Value("max-model-len"),
        KnownFlag.Value("max-num-seqs"),
        KnownFlag.Value("max-num-batched-tokens"),
        KnownFlag.Value("block-size"),
        KnownFlag.Value("kv-cache-memory"),
        KnownFlag.Value("kv-cache-dtype"),
        KnownFlag.Switch("enable-prefix-caching"),
        KnownFlag.Value("scheduling-policy"),
        KnownFlag.Value("max-num-queued-requests"),
        KnownFlag.Value("dtype"),
        KnownFlag.Value("load-format"),
        KnownFlag.Value("seed"),
        KnownFlag.Value("threads"),
        KnownFlag.Value("device"),
        KnownFlag.Value("gpu-memory-utilization"),
        KnownFlag.Value("quantization"),
        KnownFlag.Value("tokenizer"),
        KnownFlag.Value("gguf-file"),
        KnownFlag.Value("runner"),
        KnownFlag.Value("speculative-config"),
        KnownFlag.Switch("enable-lora"),
        KnownFlag.Repeated("lora-modules"),
        KnownFlag.Value("max-loras"),
        KnownFlag.Value("max-lora-rank"),
    ]);

    /// <summary>What <c>serve</c> (an inference replica) takes: the engine's flags and the server's own.</summary>
    public static FlagSet Serve { get; } = Options.With(
    [
        KnownFlag.Value("served-model-name"),
        KnownFlag.Value("chat-template"),
        KnownFlag.Value("revision"),
        KnownFlag.Value("host"),
        KnownFlag.Value("port"),
        KnownFlag.Value("api-key"),
        KnownFlag.Value("admin-key"),
        KnownFlag.Switch("enable-auto-tool-choice"),
        KnownFlag.Value("tool-call-parser"),
        KnownFlag.Value("reasoning-parser"),
        KnownFlag.Value("pooling-type"),
        KnownFlag.Value("shutdown-timeout"),
        KnownFlag.Value("max-memory"),
        KnownFlag.Switch("load-on-demand"),
        KnownFlag.Value("load-timeout"),
        KnownFlag.Value("keep-alive"),
    ]);

    /// <summary>The configuration key of a flag: max-model-len → Engine:MaxModelLen.</summary>
    public static string ConfigurationKey(string flag) => $"{Section}:{FlagArguments.PascalCase(flag)}";
}
