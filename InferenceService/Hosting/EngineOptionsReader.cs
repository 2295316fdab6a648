using System.Globalization;
using Engine.Backends;
using Engine.Core;
using Engine.Loading;
using Engine.Speculation;

namespace InferenceService.Hosting;

/// <summary>
/// Reads the engine flags from configuration section "Engine" (command-line flags, environment variables such
/// as Engine__MaxModelLen, appsettings), so AppHost and containers set the same flags as the command line.
/// </summary>
public static class EngineOptionsReader
{
    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "DefaultModel", ServedModelName.Embedded);

    public static EngineOptions Read(IConfiguration configuration)
    {
        var c = configuration.GetSection("Engine");
        var defaults = new EngineOptions { Model = DefaultModelPath };
        var model = c["Model"] is { Length: > 0 } named ? named : DefaultModelPath;
        var ggufFile = c["GgufFile"] is { Length: > 0 } file ? file : null;
        if (ggufFile is not null && RepoModel.TryParse(model, ggufFile) is null) (model, ggufFile) = (RepoModel.LocalPath(model, ggufFile), null);
        return new EngineOptions
        {
            Model = model,
            GgufFile = ggufFile,
            Tokenizer = c["Tokenizer"] is { Length: > 0 } tokenizer ? tokenizer : null,
            Quantization = DTypeInfo.ParseQuantization(c["Quantization"]),
            MaxModelLen = Int(c, "MaxModelLen"),
            MaxNumSeqs = Int(c, "MaxNumSeqs") ?? defaults.MaxNumSeqs,
            MaxNumBatchedTokens = Int(c, "MaxNumBatchedTokens") ?? defaults.MaxNumBatchedTokens,
            BlockSize = Int(c, "BlockSize") ?? defaults.BlockSize,
            KvCacheMemory = c["KvCacheMemory"] is { } bytes ? ByteSize.Parse(bytes) : null,
            KvCacheDType = KvCacheDTypes.Parse(c["KvCacheDtype"]),
            EnablePrefixCaching = Bool(c, "EnablePrefixCaching") ?? defaults.EnablePrefixCaching,
            SchedulingPolicy = c["SchedulingPolicy"]?.ToLowerInvariant() switch
            {
                null or "fcfs" => SchedulingPolicy.Fcfs,
                "priority" => SchedulingPolicy.Priority,
                var other => throw new ArgumentException($"--scheduling-policy '{other}': expected fcfs or priority."),
            },
            MaxNumQueuedRequests = Int(c, "MaxNumQueuedRequests") ?? defaults.MaxNumQueuedRequests,
            DType = DTypeInfo.ParseTorch(c["Dtype"]),
            DummyWeights = c["LoadFormat"]?.ToLowerInvariant() switch
            {
                null or "auto" or "safetensors" => false,
                "dummy" => true,
                var other => throw new ArgumentException($"--load-format '{other}': expected auto or dummy."),
            },
            Seed = c["Seed"] is { } seed ? long.Parse(seed, CultureInfo.InvariantCulture) : null,
            Threads = Int(c, "Threads"),
            Device = c["Device"] is { Length: > 0 } device ? BackendFactory.ParseDevice(device) : defaults.Device,
            GpuMemoryUtilization = c["GpuMemoryUtilization"] is { } fraction ? Fraction(fraction) : defaults.GpuMemoryUtilization,
            Runner = c["Runner"]?.ToLowerInvariant() switch
            {
                null or "generate" or "auto" => EngineRunner.Generate,
                "pooling" => EngineRunner.Pooling,
                var other => throw new ArgumentException($"--runner '{other}': expected generate or pooling."),
            },
            SpeculativeConfig = c["SpeculativeConfig"] is { Length: > 0 } speculative ? SpeculativeConfig.Parse(speculative) : null,
            EnableLora = Bool(c, "EnableLora") ?? defaults.EnableLora,
            LoraModules = LoraModulesFlag.Read(c, Bool(c, "EnableLora") ?? false),
            MaxLoras = Int(c, "MaxLoras") ?? defaults.MaxLoras,
            MaxLoraRank = Int(c, "MaxLoraRank") ?? defaults.MaxLoraRank,
        };
    }

    private static int? Int(IConfiguration c, string key)
    {
        if (c[key] is not { } text) return null;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value <= 0)
            throw new ArgumentException($"--{Kebab(key)} must be a positive integer, got '{text}'.");
        return value;
    }

    private static double Fraction(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 && value <= 1
            ? value
            : throw new ArgumentException($"--gpu-memory-utilization must be a fraction in (0, 1], got '{text}'.");

    private static bool? Bool(IConfiguration c, string key) => c[key] is { } text
        ? bool.TryParse(text, out bool b) ? b : throw new ArgumentException($"--{Kebab(key)} must be true or false, got '{text}'.")
        : null;

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((ch, i) => char.IsUpper(ch) && i > 0 ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));
}
