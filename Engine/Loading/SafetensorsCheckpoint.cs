using System.Text.Json;

namespace Engine.Loading;

/// <summary>
/// The weights of a Hugging Face model folder: model.safetensors, or shards listed by
/// model.safetensors.index.json ({"weight_map": {tensor: file}}), or any *.safetensors files.
/// </summary>
public sealed class SafetensorsCheckpoint : IWeightSource
{
    private readonly List<SafetensorsFile> _files = [];
    private readonly Dictionary<string, SafetensorsFile> _byTensor = new();

    public SafetensorsCheckpoint(string modelDirectory)
    {
        foreach (var path in ShardPaths(modelDirectory))
        {
            var file = new SafetensorsFile(path);
            _files.Add(file);
            foreach (var name in file.Names) _byTensor[name] = file;
        }
    }

    public HostTensor Get(string name, params int[] shape)
    {
        var (file, stored) = Find(name) ?? throw new InvalidDataException($"Weight '{name}' is missing from the checkpoint.");
        var tensor = file.Get(stored);
        tensor.ExpectShape(shape);
        return tensor;
    }

    /// <summary>A "model." weight is also found without that prefix: embedding checkpoints (Qwen3-Embedding) are saved
    /// from the bare decoder, whose weights are named without it.</summary>
    private (SafetensorsFile File, string Name)? Find(string name)
    {
        if (_byTensor.TryGetValue(name, out var file)) return (file, name);
        const string prefix = "model.";
        return name.StartsWith(prefix, StringComparison.Ordinal) && _byTensor.TryGetValue(name[prefix.Length..], out file) ? (file, name[prefix.Length..]) : null;
    }

    private static IEnumerable<string> ShardPaths(string directory)
    {
        var index = Path.Combine(directory, "model.safetensors.index.json");
        if (File.Exists(index))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(index));
            return json.RootElement.GetProperty("weight_map").EnumerateObject()
                .Select(p => p.Value.GetString()!).Distinct().Order(StringComparer.Ordinal)
                .Select(f => Path.Combine(directory, f)).ToList();
        }
        var single = Path.Combine(directory, "model.safetensors");
        if (File.Exists(single)) return [single];
        var any = Directory.GetFiles(directory, "*.safetensors").Order(StringComparer.Ordinal).ToList();
        if (any.Count == 0)
            throw new FileNotFoundException($"No safetensors weights in {directory} (use --load-format dummy for random weights).");
        return any;
    }

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }
}
