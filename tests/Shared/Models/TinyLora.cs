using System.Text.Json;
using Engine.Loading;

namespace Tests.Shared;

/// <summary>
/// A random PEFT LoRA adapter for a <see cref="TinyModel"/>, written as a real adapter folder (adapter_config.json +
/// adapter_model.safetensors), with its A and B kept here so a test can merge W + scale·B·A into the naive forward.
/// </summary>
public sealed class TinyLora : IDisposable
{
    public static readonly string[] AllModules = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public required string Directory { get; init; }
    public required int Rank { get; init; }
    public required double Alpha { get; init; }
    public required bool UseRslora { get; init; }
    /// <summary>Tensor name (PEFT's, e.g. base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight) → values.</summary>
    public required Dictionary<string, float[]> Weights { get; init; }
    public required Dictionary<string, int[]> Shapes { get; init; }
    public required Dictionary<string, object> Config { get; init; }

    public double Scale => UseRslora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    public static TinyLora Create(TinyModel model, IReadOnlyList<string>? modules = null, int rank = 4, double alpha = 8, bool useRslora = false,
        int seed = 11, DType dtype = DType.F32)
    {
        modules ??= AllModules;
        var random = new Random(seed);
        var weights = new Dictionary<string, float[]>();
        var shapes = new Dictionary<string, int[]>();
        for (int l = 0; l < model.Layers; l++)
            foreach (var module in modules)
            {
                var (input, output) = Widths(model, module);
                string prefix = $"base_model.model.model.layers.{l}.{(module is "gate_proj" or "up_proj" or "down_proj" ? "mlp" : "self_attn")}.{module}.";
                Add(prefix + "lora_A.weight", 1 / Math.Sqrt(input), rank, input);
                Add(prefix + "lora_B.weight", 1 / Math.Sqrt(rank), output, rank);
            }
        void Add(string name, double scale, int rows, int cols)
        {
            weights[name] = Enumerable.Range(0, rows * cols).Select(_ => SafetensorsWriter.RoundTo((float)(scale * (2 * random.NextDouble() - 1)), dtype)).ToArray();
            shapes[name] = [rows, cols];
        }
        var config = new Dictionary<string, object>
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["r"] = rank,
            ["lora_alpha"] = alpha,
            ["use_rslora"] = useRslora,
            ["target_modules"] = modules.ToArray(),
            ["fan_in_fan_out"] = false,
            ["bias"] = "none",
            ["lora_dropout"] = 0.05,
        };
        var directory = Path.Combine(Path.GetTempPath(), "tiny-lora-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var lora = new TinyLora { Directory = directory, Rank = rank, Alpha = alpha, UseRslora = useRslora, Weights = weights, Shapes = shapes, Config = config };
        lora.WriteConfig();
        SafetensorsWriter.Write(Path.Combine(directory, "adapter_model.safetensors"),
            weights.Select(w => new SafetensorsWriter.Entry(w.Key, shapes[w.Key], w.Value)), dtype);
        return lora;
    }

    /// <summary>Adapters the engine must refuse, by name, with a fragment of the message that names the problem (under
    /// --max-lora-rank 16).</summary>
    public static readonly IReadOnlyDictionary<string, string> Flaws = new Dictionary<string, string>
    {
        ["rank-too-large"] = "rank r=32 is more than --max-lora-rank 16",
        ["unknown-target"] = "target module 'embed_tokens' is not supported",
        ["shape-mismatch"] = "has shape [",
        ["corrupt-safetensors"] = "not a valid safetensors file",
        ["missing-config"] = "adapter_config.json is missing",
        ["missing-weights"] = "adapter_model.safetensors is missing",
        ["dora"] = "use_dora (DoRA) is not supported",
        ["bias"] = "bias \"all\" is not supported",
        ["modules-to-save"] = "modules_to_save (lm_head) is not supported",
        ["lm-head-weights"] = "tensor 'base_model.model.lm_head.lora_A.weight' is not a LoRA A/B weight",
        ["untargeted-weights"] = "which target_modules does not list",
    };

    /// <summary>An adapter for <paramref name="model"/> with one of the <see cref="Flaws"/>.</summary>
    public static TinyLora Flawed(TinyModel model, string flaw)
    {
        if (flaw == "shape-mismatch")
        {
            using var other = TinyModel.Create(hidden: 48, vocab: model.Vocab);
            return Create(other);
        }
        var adapter = Create(model, ["q_proj", "v_proj"], rank: flaw == "rank-too-large" ? 32 : 4);
        string weights = Path.Combine(adapter.Directory, "adapter_model.safetensors");
        switch (flaw)
        {
            case "unknown-target": adapter.Config["target_modules"] = new[] { "q_proj", "embed_tokens" }; break;
            case "corrupt-safetensors": File.WriteAllBytes(weights, [.. File.ReadAllBytes(weights).Take(40)]); break;
            case "missing-config": File.Delete(Path.Combine(adapter.Directory, "adapter_config.json")); return adapter;
            case "missing-weights": File.Delete(weights); break;
            case "dora": adapter.Config["use_dora"] = true; break;
            case "bias": adapter.Config["bias"] = "all"; break;
            case "modules-to-save": adapter.Config["modules_to_save"] = new[] { "lm_head" }; break;
            case "lm-head-weights":
                SafetensorsWriter.Write(weights, adapter.Weights.Select(w => new SafetensorsWriter.Entry(w.Key, adapter.Shapes[w.Key], w.Value))
                    .Append(new SafetensorsWriter.Entry("base_model.model.lm_head.lora_A.weight", [4, model.Hidden], new float[4 * model.Hidden])), DType.F32);
                break;
            case "untargeted-weights": adapter.Config["target_modules"] = new[] { "q_proj" }; break;
        }
        adapter.WriteConfig();
        return adapter;
    }

    /// <summary>Writes adapter_config.json from <see cref="Config"/> (change Config first to write a bad one).</summary>
    public void WriteConfig() => File.WriteAllText(Path.Combine(Directory, "adapter_config.json"), JsonSerializer.Serialize(Config));

    /// <summary>The base model with every adapted projection merged, W + scale·B·A, for <see cref="NaiveLlama"/>. It shares the
    /// base model's folder: never dispose it.</summary>
    public TinyModel MergedInto(TinyModel model)
    {
        var merged = model.Weights.ToDictionary(w => w.Key, w => (float[])w.Value.Clone());
        foreach (var name in Weights.Keys.Where(n => n.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
        {
            var a = Weights[name];
            var b = Weights[name.Replace(".lora_A.", ".lora_B.", StringComparison.Ordinal)];
            var target = merged[name["base_model.model.".Length..].Replace(".lora_A.weight", ".weight", StringComparison.Ordinal)];
            int input = Shapes[name][1], output = target.Length / input;
            for (int o = 0; o < output; o++)
                for (int i = 0; i < input; i++)
                {
                    double delta = 0;
                    for (int k = 0; k < Rank; k++) delta += b[o * Rank + k] * a[k * input + i];
                    target[o * input + i] = (float)(target[o * input + i] + Scale * delta);
                }
        }
        return new TinyModel { Directory = model.Directory, Weights = merged, Config = model.Config, Shapes = model.Shapes };
    }

    private static (int Input, int Output) Widths(TinyModel m, string module)
    {
        int q = m.Heads * m.HeadDim, kv = m.KvHeads * m.HeadDim;
        return module switch
        {
            "q_proj" => (m.Hidden, q),
            "k_proj" or "v_proj" => (m.Hidden, kv),
            "o_proj" => (q, m.Hidden),
            "gate_proj" or "up_proj" => (m.Hidden, m.Intermediate),
            _ => (m.Intermediate, m.Hidden),
        };
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
