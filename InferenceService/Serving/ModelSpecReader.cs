using System.Text.Json;
using Engine.Configuration;
using Engine.Core;
using InferenceService.Api;
using InferenceService.Hosting;

namespace InferenceService.Serving;

/// <summary>
/// Builds a <see cref="ModelSpec"/> from the flags (the startup model) or from a POST /admin/models body, whose fields are
/// the serve flags' names in snake_case (max_model_len = --max-model-len) and replace the replica's flags for that
/// model. The model's identity (which model, its name, template, tokenizer, revision, draft, LoRA adapters) is never inherited.
/// </summary>
public static partial class ModelSpecReader
{
    /// <summary>The fields a load takes, each the flag of the same name.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "model", "served_model_name", "revision", "gguf_file", "tokenizer", "chat_template", "dtype", "quantization", "load_format",
        "max_model_len", "kv_cache_memory", "kv_cache_dtype", "max_num_seqs", "max_num_batched_tokens", "block_size",
        "enable_prefix_caching", "seed", "speculative_config", "keep_alive",
    ];

    // --lora-modules too: adapters fit the model they were trained on.
    private static readonly string[] Identity = ["Model", "ServedModelName", "Revision", "GgufFile", "Tokenizer", "ChatTemplate", "SpeculativeConfig", "LoraModules"];

    public static ModelSpec FromFlags(IConfiguration configuration) => Read(configuration, configuration["Engine:Model"]);

    public static ModelSpec FromBody(JsonRequest body, IConfiguration flags)
    {
        var values = new Dictionary<string, string?>();
        foreach (var field in Fields)
            if (body.Find(field) is { } value)
                values[EngineFlags.ConfigurationKey(field.Replace('_', '-'))] = Text(field, value);
        body.RefuseUnknown("POST /admin/models");
        var model = values.GetValueOrDefault("Engine:Model") ?? throw ApiException.BadRequest("'model' is required: a local path or a Hugging Face repo id (org/name).", "model");
        var inherited = flags.GetSection(EngineFlags.Section).AsEnumerable(makePathsRelative: true)
            .Where(kv => kv.Value is not null && !Identity.Contains(kv.Key.Split(':')[0]))
            .Select(kv => KeyValuePair.Create($"{EngineFlags.Section}:{kv.Key}", kv.Value));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(inherited).AddInMemoryCollection(values).Build();
        try
        {
            return Read(configuration, model);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or OverflowException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw ApiException.BadRequest(FlagName().Replace(error.Message, flag => $"'{flag.Groups[1].Value.Replace('-', '_')}'"));
        }
    }

    private static ModelSpec Read(IConfiguration configuration, string? model)
    {
        var options = EngineOptionsReader.Read(configuration);
        var keepAlive = configuration["Engine:KeepAlive"] is { Length: > 0 } text ? Duration.Parse(text, "--keep-alive") : null;
        return new ModelSpec(options.Model, ServedModelName.Resolve(configuration["Engine:ServedModelName"], model), options,
            configuration["Engine:ChatTemplate"] is { Length: > 0 } template ? template : null, configuration["Engine:Revision"] ?? "main", keepAlive);
    }

    private static string Text(string field, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw ApiException.BadRequest($"'{field}' must be a string, a number or a boolean.", field),
    };

    [System.Text.RegularExpressions.GeneratedRegex("--([a-z][a-z-]*)")]
    private static partial System.Text.RegularExpressions.Regex FlagName();
}
