using System.Text.Json;
using Engine.Lora;

namespace InferenceService.Hosting;

/// <summary>
/// vLLM's --lora-modules values: <c>name=path</c>, or the JSON form <c>{"name": ..., "path": ..., "base_model_name": ...}</c>.
/// Read from configuration Engine:LoraModules (one value) or Engine:LoraModules:0, :1, … (the flag repeated).
/// </summary>
public static class LoraModulesFlag
{
    public static IReadOnlyList<LoraModule> Read(IConfigurationSection engine, bool enableLora)
    {
        var section = engine.GetSection("LoraModules");
        var values = section.Value is { Length: > 0 } one ? [one] : section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        var modules = values.Select(Parse).ToList();
        if (modules.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"--lora-modules names '{twice.Key}' twice.");
        if (modules.Count > 0 && !enableLora) throw new ArgumentException("--lora-modules needs --enable-lora.");
        return modules;
    }

    public static LoraModule Parse(string value)
    {
        var expected = $"--lora-modules '{value}': expected name=path or {{\"name\": ..., \"path\": ..., \"base_model_name\": ...}}.";
        if (value.TrimStart().StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(value);
                string? Field(string key) => json.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var unknown = json.RootElement.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => n is not ("name" or "path" or "base_model_name"));
                if (unknown is not null) throw new ArgumentException($"--lora-modules '{value}': unknown field '{unknown}' (fields: name, path, base_model_name).");
                return Field("name") is { Length: > 0 } name && Field("path") is { Length: > 0 } path
                    ? new LoraModule(name, path, Field("base_model_name"))
                    : throw new ArgumentException(expected);
            }
            catch (JsonException)
            {
                throw new ArgumentException(expected);
            }
        }
        int eq = value.IndexOf('=');
        return eq > 0 && eq < value.Length - 1 ? new LoraModule(value[..eq], value[(eq + 1)..]) : throw new ArgumentException(expected);
    }
}
