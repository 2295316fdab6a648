using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>Gemma 2/3 config.json fields as HF's Gemma2Config / Gemma3TextConfig read them (their defaults where a field
/// is absent), and bad values refused with the field named.</summary>
public class GemmaConfigTests
{
    private const string Gemma2 = """
        {"model_type": "gemma2", "hidden_size": 3584, "intermediate_size": 14336, "num_hidden_layers": 6,
         "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 256, "vocab_size": 256000,
         "query_pre_attn_scalar": 256, "sliding_window": 4096, "hidden_activation": "gelu_pytorch_tanh", "torch_dtype": "bfloat16"}
        """;

    private static ModelConfig Parse(string json, Action<JsonObject>? edit = null)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        edit?.Invoke(node);
        using var document = JsonDocument.Parse(node.ToJsonString());
        return ModelConfig.Parse(document.RootElement);
    }

    [Fact]
    public void Gemma2_DefaultsAndLayout()
    {
        var config = Parse(Gemma2);
        Assert.Equal((50.0, 30.0), (config.AttentionSoftCap, config.FinalLogitSoftCap));   // Gemma2Config's defaults
        Assert.Equal(256, config.HeadDim);
        Assert.Equal(256, config.QueryPreAttentionScalar);
        Assert.True(config.TieWordEmbeddings && config.SandwichNorms && config.GeluActivation);
        Assert.Equal(1, config.NormWeightOffset);
        // sqrt(3584) = 59.87 in bfloat16 (8 significant bits): 59.75.
        Assert.Equal(59.75f, config.EmbeddingScale);
        Assert.Equal([4096, 0, 4096, 0, 4096, 0], Enumerable.Range(0, 6).Select(config.WindowOf));
        Assert.Null(config.LocalRopeTheta);
    }

    [Fact]
    public void SoftCapsSetToNull_AreOff()
    {
        var config = Parse(Gemma2, c => { c["attn_logit_softcapping"] = null; c["final_logit_softcapping"] = null; });
        Assert.Null(config.AttentionSoftCap);
        Assert.Null(config.FinalLogitSoftCap);
    }

    /// <summary>google/gemma-3-4b-it's shape: the text_config states only what differs from Gemma3TextConfig.</summary>
    [Fact]
    public void Gemma3Multimodal_TextConfigFilledFromDefaults()
    {
        var config = Parse("""
            {"model_type": "gemma3", "architectures": ["Gemma3ForConditionalGeneration"], "torch_dtype": "bfloat16", "eos_token_id": [1, 106],
             "text_config": {"model_type": "gemma3_text", "hidden_size": 2560, "intermediate_size": 10240, "num_hidden_layers": 34,
                             "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
             "vision_config": {"model_type": "siglip_vision_model"}}
            """);
        Assert.Equal("gemma3", config.ModelType);
        Assert.Equal("language_model.", config.CheckpointPrefix);
        Assert.Equal((8, 4, 256, 262208), (config.NumHeads, config.NumKvHeads, config.HeadDim, config.VocabSize));
        Assert.Equal((1_000_000.0, 10_000.0), (config.RopeTheta, config.LocalRopeTheta));
        Assert.Equal(("linear", 8.0), (config.RopeScaling!.Type, config.RopeScaling.Factor));
        Assert.Null(config.AttentionSoftCap);
        Assert.True(config.QkNorm);
        Assert.Equal([5, 11, 17, 23, 29], config.FullAttentionLayers.Order());   // every 6th layer is global
        Assert.Equal(1024, config.WindowOf(0));
        Assert.Equal([1, 106], config.EosTokenIds);
    }

    [Theory]
    [InlineData("attn_logit_softcapping", "0", "attn_logit_softcapping 0 must be positive")]
    [InlineData("final_logit_softcapping", "-30", "final_logit_softcapping -30 must be positive")]
    [InlineData("query_pre_attn_scalar", "0", "query_pre_attn_scalar 0 must be positive")]
    [InlineData("hidden_activation", "\"gelu\"", "hidden_activation 'gelu' is not supported")]
    [InlineData("head_dim", null, "lacks 'head_dim'")]
    [InlineData("query_pre_attn_scalar", null, "lacks 'query_pre_attn_scalar'")]
    [InlineData("sliding_window", null, "lacks 'sliding_window'")]
    public void BadGemma2Config_IsRefusedNamingTheField(string field, string? value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => Parse(Gemma2, c =>
        {
            if (value is null) c.Remove(field);
            else c[field] = JsonNode.Parse(value);
        }));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Gemma3WithoutTextConfig_IsRefused()
    {
        var error = Assert.ThrowsAny<Exception>(() => Parse("""{"model_type": "gemma3", "vision_config": {}}"""));
        Assert.Contains("lacks 'text_config'", error.Message);
    }
}
