using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelCacheService.Cache;

/// <summary>The keys of a snapshot's config.json that say what the model is and how big.</summary>
public static class ModelConfigSummary
{
    private static readonly string[] Keys =
    [
        "architectures", "model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "vocab_size", "max_position_embeddings", "rope_theta", "rms_norm_eps",
        "tie_word_embeddings", "torch_dtype", "bos_token_id", "eos_token_id",
    ];

    /// <summary>The summary, or null when the snapshot has no readable config.json.</summary>
    public static JsonObject? Read(string snapshotPath)
    {
        try
        {
            var path = Path.Combine(snapshotPath, "config.json");
            if (!File.Exists(path) || JsonNode.Parse(File.ReadAllText(path)) is not JsonObject config) return null;
            var summary = new JsonObject();
            foreach (var key in Keys)
                if (config[key] is { } value) summary[key] = value.DeepClone();
            return summary;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
