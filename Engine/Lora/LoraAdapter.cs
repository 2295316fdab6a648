using System.Text.Json;
using System.Text.RegularExpressions;
using Engine.Backends;
using Engine.Loading;
using Engine.Models;

namespace Engine.Lora;

/// <summary>
/// A PEFT LoRA adapter on the backend: for each (layer, target) it covers, A [r, in] and Bᵀ [r, out] (see
/// <see cref="LoraDelta"/>), applied as y += scale · (x · Aᵀ) · Bᵀ with scale = lora_alpha / r (lora_alpha / √r under use_rslora). Loaded from a folder with
/// adapter_config.json and adapter_model.safetensors; anything this engine cannot apply exactly is refused.
/// </summary>
public sealed partial class LoraAdapter
{
    private static long _loads;
    private readonly (Tensor Down, Tensor Up)?[,] _weights;

    private LoraAdapter(LoraModule module, int rank, float scale, (Tensor Down, Tensor Up)?[,] weights)
    {
        Module = module;
        Rank = rank;
        Scale = scale;
        _weights = weights;
        // Unique per load: the prefix cache never shares KV between adapters, nor with an earlier adapter of the same name.
        CacheSalt = (ulong)Interlocked.Increment(ref _loads) * 0x9E3779B97F4A7C15UL;
    }

    /// <summary>Its name, folder, and the base model it is listed under.</summary>
    public LoraModule Module { get; }
    public string Name => Module.Name;
    /// <summary>When it was loaded (the created time /v1/models shows).</summary>
    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;
    public int Rank { get; }
    public float Scale { get; }
    public ulong CacheSalt { get; }

    /// <summary>The adapter's A and Bᵀ for one projection of one layer; null where it leaves that projection alone.</summary>
    public (Tensor Down, Tensor Up)? Weights(int layer, LoraTarget target) => _weights[layer, (int)target];

    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    /// <summary>Reads and checks the adapter in the module's folder against the base model, then uploads it.
    /// Throws <see cref="LoraAdapterException"/> naming what is wrong.</summary>
    public static LoraAdapter Load(LoraModule module, ModelConfig model, int maxRank, IComputeBackend backend)
    {
        var (name, path) = (module.Name, module.Path);
        string Problem(string what) => $"LoRA adapter '{name}' ({path}): {what}";
        if (!Directory.Exists(path)) throw new LoraAdapterException(Problem("no such folder."));
        var configPath = System.IO.Path.Combine(path, ConfigFile);
        if (!File.Exists(configPath)) throw new LoraAdapterException(Problem($"{ConfigFile} is missing."));
        var weightsPath = System.IO.Path.Combine(path, WeightsFile);
        if (!File.Exists(weightsPath))
            throw new LoraAdapterException(Problem($"{WeightsFile} is missing" +
                (File.Exists(System.IO.Path.Combine(path, "adapter_model.bin")) ? " (adapter_model.bin is a pickle: only safetensors are loaded)." : ".")));
        var config = ReadConfig(configPath, Problem);
        if (config.Rank > maxRank) throw new LoraAdapterException(Problem($"rank r={config.Rank} is more than --max-lora-rank {maxRank}."));

        SafetensorsFile file;
        try
        {
            file = new SafetensorsFile(weightsPath);
        }
        catch (InvalidDataException error)
        {
            throw new LoraAdapterException(Problem(error.Message), error);
        }
        using (file)
        {
            var host = ReadWeights(file, config, model, Problem);
            var weights = new (Tensor Down, Tensor Up)?[model.NumLayers, LoraTargets.All.Count];
            foreach (var ((layer, target), (a, b)) in host) weights[layer, (int)target] = (backend.Upload(a), backend.Upload(Transposed(b)));
            float scale = (float)(config.Alpha / (config.UseRslora ? Math.Sqrt(config.Rank) : config.Rank));
            return new LoraAdapter(module, config.Rank, scale, weights);
        }
    }

    private sealed record AdapterConfig(int Rank, double Alpha, bool UseRslora, IReadOnlySet<LoraTarget> Targets);

    private static AdapterConfig ReadConfig(string configPath, Func<string, string> problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(configPath));
        }
        catch (JsonException error)
        {
            throw new LoraAdapterException(problem($"{ConfigFile} is not valid JSON ({error.Message})."), error);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new LoraAdapterException(problem($"{ConfigFile} is not a JSON object."));
            JsonElement? Field(string key) => root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
            LoraAdapterException Refuse(string why) => new(problem(why));

            if (Field("peft_type") is { } type && type.GetString() != "LORA") throw Refuse($"peft_type {type} is not LORA.");
            if (Field("r") is not { ValueKind: JsonValueKind.Number } r || !r.TryGetInt32(out int rank) || rank < 1) throw Refuse("r must be a positive integer.");
            double alpha = Field("lora_alpha") is { ValueKind: JsonValueKind.Number } a ? a.GetDouble() : 8;   // PEFT's default
            bool Flag(string key) => Field(key) is { } v && v.ValueKind == JsonValueKind.True;
            if (Flag("use_dora")) throw Refuse("use_dora (DoRA) is not supported.");
            if (Flag("fan_in_fan_out")) throw Refuse("fan_in_fan_out is for Conv1D base layers (GPT-2); this model's projections are Linear.");
            if (Field("bias") is { } bias && bias.GetString() != "none") throw Refuse($"bias \"{bias.GetString()}\" is not supported (only \"none\").");
            if (Field("modules_to_save") is { ValueKind: JsonValueKind.Array } saved && saved.GetArrayLength() > 0)
                throw Refuse($"modules_to_save ({string.Join(", ", saved.EnumerateArray())}) is not supported: the adapter would replace whole base modules.");
            foreach (var pattern in new[] { "rank_pattern", "alpha_pattern" })
                if (Field(pattern) is { ValueKind: JsonValueKind.Object } p && p.EnumerateObject().Any())
                    throw Refuse($"{pattern} (per-module ranks or alphas) is not supported.");
            return new AdapterConfig(rank, alpha, Flag("use_rslora"), ReadTargets(Field("target_modules"), Refuse));
        }
    }

    private static HashSet<LoraTarget> ReadTargets(JsonElement? modules, Func<string, LoraAdapterException> refuse)
    {
        if (modules is { ValueKind: JsonValueKind.String } one && one.GetString() == "all-linear") return [.. LoraTargets.All];
        if (modules is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
        {
            throw refuse("target_modules must be a list of module names (or \"all-linear\").");
        }
        var targets = new HashSet<LoraTarget>();
        foreach (var module in list.EnumerateArray().Select(m => m.ToString()))
        {
            if (LoraTargets.Parse(module) is { } target) targets.Add(target);
            else throw refuse($"target module '{module}' is not supported (supported: {string.Join(", ", LoraTargets.All.Select(t => t.ModuleName()))}).");
        }
        return targets;
    }

    [GeneratedRegex(@"^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.default)?\.weight$")]
    private static partial Regex TensorName();

    /// <summary>Each covered (layer, target)'s A and B as F32 host tensors, after checking every name and shape.</summary>
    private static Dictionary<(int Layer, LoraTarget Target), (HostTensor A, HostTensor B)> ReadWeights(SafetensorsFile file, AdapterConfig config,
        ModelConfig model, Func<string, string> problem)
    {
        var parts = new Dictionary<(int, LoraTarget), (HostTensor? A, HostTensor? B)>();
        foreach (var name in file.Names)
        {
            var match = TensorName().Match(name);
            if (!match.Success) throw new LoraAdapterException(problem($"tensor '{name}' is not a LoRA A/B weight of a decoder layer's projection (embedding, lm_head and bias adapters are not supported)."));
            int layer = int.Parse(match.Groups[1].Value);
            if (LoraTargets.Parse(match.Groups[3].Value) is not { } target || target.Block() != match.Groups[2].Value)
                throw new LoraAdapterException(problem($"tensor '{name}' targets module '{match.Groups[3].Value}', which is not supported."));
            if (!config.Targets.Contains(target)) throw new LoraAdapterException(problem($"tensor '{name}' targets {target.ModuleName()}, which target_modules does not list."));
            if (layer >= model.NumLayers) throw new LoraAdapterException(problem($"tensor '{name}' is for layer {layer}, but the base model has {model.NumLayers} layers."));
            if (target.IsMlp() && model.IsMoeLayer(layer))
                throw new LoraAdapterException(problem($"tensor '{name}': layer {layer} of the base model is a mixture of experts, and adapters on its MLP are not supported."));
            var (input, output) = target.Widths(model);
            bool isA = match.Groups[4].Value == "A";
            int[] expected = isA ? [config.Rank, input] : [output, config.Rank];
            var tensor = file.Get(name);
            if (!tensor.Shape.AsSpan().SequenceEqual(expected))
                throw new LoraAdapterException(problem($"tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}], but r={config.Rank} on this base model's " +
                    $"{target.ModuleName()} ({input} → {output}) needs [{string.Join(", ", expected)}]."));
            if (tensor.DType is not (DType.F32 or DType.F16 or DType.BF16)) throw new LoraAdapterException(problem($"tensor '{name}' is {tensor.DType}; only F32, F16 and BF16 are supported."));
            var pair = parts.GetValueOrDefault((layer, target));
            parts[(layer, target)] = isA ? pair with { A = ToF32(tensor) } : pair with { B = ToF32(tensor) };
        }
        if (parts.Count == 0) throw new LoraAdapterException(problem($"{WeightsFile} holds no LoRA weights."));
        foreach (var ((layer, target), (a, b)) in parts)
            if (a is null || b is null)
                throw new LoraAdapterException(problem($"layer {layer} {target.ModuleName()} has lora_{(a is null ? "A" : "B")} missing."));
        return parts.ToDictionary(p => p.Key, p => (p.Value.A!, p.Value.B!));
    }

    private static unsafe HostTensor Transposed(HostTensor matrix)
    {
        var result = HostTensor.Allocate(matrix.Name, DType.F32, [matrix.Cols, matrix.Rows]);
        for (int row = 0; row < matrix.Rows; row++)
            for (int col = 0; col < matrix.Cols; col++) ((float*)result.Data)[(long)col * matrix.Rows + row] = matrix[(long)row * matrix.Cols + col];
        return result;
    }

    private static unsafe HostTensor ToF32(HostTensor tensor)
    {
        var result = HostTensor.Allocate(tensor.Name, DType.F32, tensor.Shape);
        for (long i = 0; i < tensor.ElementCount; i++) ((float*)result.Data)[i] = tensor[i];
        return result;
    }
}
