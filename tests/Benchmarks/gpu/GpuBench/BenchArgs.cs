using System.Globalization;
using Engine.Loading;

namespace GpuBench;

/// <summary>Command-line flags (`--name value`).</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public BenchArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            string name = args[i][2..];
            _values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }

    public string Device => Get("device") ?? "cuda";
    /// <summary>Folder with stories260K (config, safetensors, tokenizer) and reference-greedy.json.</summary>
    public string? Stories => Get("stories");
    /// <summary>Folder with bench-1b's config.json and tokenizer (weights are dummy).</summary>
    public string? BenchModel => Get("bench-model");
    public int[] Concurrency => (Get("concurrency") ?? "1,32").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    public int InputLen => Int("input-len") ?? 32;
    public int OutputLen => Int("output-len") ?? 128;
    public int Repeats => Int("repeats") ?? 3;
    /// <summary>Layers of bench-1b kept for the device-vs-CPU logits check (all layers run on the CPU too, so few).</summary>
    public int CheckLayers => Int("check-layers") ?? 2;
    public double HbmTerabytesPerSecond => Get("hbm-tbps") is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : 3.35;
    public double GpuMemoryUtilization => Get("gpu-memory-utilization") is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : 0.9;
    /// <summary>Block-quantized runs after the BF16 one (--quantization q8_0,q4_0,q4_k; "none" for none): the logits
    /// check and decode tok/s with the weights quantized at load, dequantized inside the device's kernels.</summary>
    public IReadOnlyList<DType> Quantizations => Get("quantization") is "none" ? []
        : (Get("quantization") ?? "q8_0,q4_0,q4_k").Split(',').Select(q => DTypeInfo.ParseQuantization(q.Trim())!.Value).ToList();
    public bool Profile => Has("profile");
    public bool NoCuBlas => Has("no-cublas");

    public bool Has(string name) => _values.ContainsKey(name);
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;
    private int? Int(string name) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
}
