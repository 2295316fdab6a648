using System.Text.Json;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>
/// Every rope_scaling type (and partial_rotary_factor) read from a config.json gives the frequencies and attention factor
/// of the published formulas (<see cref="NaiveRope"/>, transcribed from HF's rope initialisations); bad configs are
/// refused with a message naming the field. The model-level checks (logits against the naive forward on CPU and GPU)
/// are the *-rope-scaling variants of <see cref="TinyModelVariants"/>.
/// </summary>
public class RopeScalingTests
{
    private static readonly double[] Short = [1.0, 1.2, 1.5, 2.0, 2.6, 3.3, 4.1, 5.0];
    private static readonly double[] Long = [1.0, 1.6, 2.9, 4.4, 7.0, 10.0, 15.0, 21.0];

    public static TheoryData<string, double, int?, int> Configs() => new()
    {
        { """{"rope_type":"linear","factor":2.5}""", 1.0, null, 4096 },
        { """{"type":"linear","factor":4.0}""", 0.5, null, 4096 },
        { """{"rope_type":"dynamic","factor":2.0}""", 1.0, null, 4096 },
        { """{"rope_type":"dynamic","factor":3.0}""", 0.5, null, 4096 },
        { """{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}""", 1.0, null, 131072 },
        { """{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}""", 0.75, null, 131072 },
        { """{"rope_type":"yarn","factor":8.0,"original_max_position_embeddings":4096,"beta_fast":16,"beta_slow":2,"truncate":false}""", 1.0, null, 32768 },
        { """{"rope_type":"yarn","factor":40.0,"original_max_position_embeddings":4096,"mscale":1.0,"mscale_all_dim":0.707}""", 1.0, null, 163840 },
        { """{"rope_type":"yarn","factor":2.0,"original_max_position_embeddings":2048,"attention_factor":1.25}""", 1.0, null, 4096 },
        { """{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}""", 1.0, null, 131072 },
        { LongRope("longrope"), 1.0, 4096, 131072 },   // served beyond the original 4096: long factors
        { LongRope("longrope"), 1.0, 4096, 4096 },     // within it: short factors
        { LongRope("su"), 1.0, 4096, 8192 },
        { """{"rope_type":"longrope","factor":2.0,"short_factor":[1,1,1,1,1,1],"long_factor":[2,2,3,3,4,4]}""", 0.75, null, 8192 },
    };

    private static string LongRope(string type) =>
        $$"""{"type":"{{type}}","short_factor":{{JsonSerializer.Serialize(Short)}},"long_factor":{{JsonSerializer.Serialize(Long)}}}""";

    [Theory]
    [MemberData(nameof(Configs))]
    public void Frequencies_MatchTheFormulasOfThePublishedCode(string ropeScaling, double partial, int? topLevelOriginal, int servedLength)
    {
        var json = Config(ropeScaling, partial, topLevelOriginal);
        var config = ModelConfig.Parse(JsonDocument.Parse(json).RootElement);
        var expected = NaiveRope.Compute(ToDictionary(json), config.HeadDim, servedLength);

        var (inverse, attention) = RotaryFrequencies.Compute(config.RotaryDim, config.RopeTheta, config.RopeScaling, servedLength);

        Assert.Equal(expected.Dim, config.RotaryDim);
        Assert.Equal(expected.InvFreq.Length, inverse.Length);
        for (int i = 0; i < inverse.Length; i++)
            Assert.True(Math.Abs(expected.InvFreq[i] - inverse[i]) <= 1e-12 * expected.InvFreq[i], $"{ropeScaling}, pair {i}: {inverse[i]} vs {expected.InvFreq[i]}");
        Assert.Equal(expected.AttentionScaling, attention, 12);
    }

    [Fact]
    public void LongRope_UsesLongFactorsOnlyBeyondTheOriginalContext()
    {
        var config = ModelConfig.Parse(JsonDocument.Parse(Config(LongRope("longrope"), 1.0, topLevelOriginal: 4096)).RootElement);
        var (within, _) = RotaryFrequencies.Compute(config.RotaryDim, config.RopeTheta, config.RopeScaling, 4096);
        var (beyond, attention) = RotaryFrequencies.Compute(config.RotaryDim, config.RopeTheta, config.RopeScaling, 4097);
        Assert.Equal(1.0 / Short[7] / Math.Pow(10000, 14.0 / 16), within[7], 15);
        Assert.Equal(1.0 / Long[7] / Math.Pow(10000, 14.0 / 16), beyond[7], 15);
        Assert.Equal(Math.Sqrt(1 + Math.Log(131072.0 / 4096) / Math.Log(4096)), attention, 12);   // factor = max / original
    }

    [Theory]
    [InlineData("""{"rope_type":"mrope","factor":2.0}""", "'mrope' is not supported")]
    [InlineData("""{"rope_type":"yarn","factor":0.5}""", "rope_scaling.factor 0.5")]
    [InlineData("""{"rope_type":"longrope","short_factor":[1,1]}""", "short_factor and long_factor lists of 8 numbers")]
    [InlineData("""{"rope_type":"longrope","short_factor":[1,1,1,1,1,1,1,1],"long_factor":[1,1,1]}""", "lists of 8 numbers")]
    public void BadRopeScaling_IsRefusedNamingTheField(string ropeScaling, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => ModelConfig.Parse(JsonDocument.Parse(Config(ropeScaling, 1.0, null)).RootElement));
        Assert.True(error is NotSupportedException or InvalidDataException, error.GetType().Name);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.3125)]   // 5 of 16 dimensions: pairs need an even count
    [InlineData(1.5)]
    [InlineData(0.0)]
    public void PartialRotaryFactor_MustGiveAnEvenCountWithinTheHead(double partial)
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelConfig.Parse(JsonDocument.Parse(Config(null, partial, null)).RootElement));
        Assert.Contains("partial_rotary_factor", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A config of head_dim 16 (hidden 64, 4 heads), 128k positions.</summary>
    private static string Config(string? ropeScaling, double partial, int? topLevelOriginal) =>
        $$"""
        {"model_type":"llama","hidden_size":64,"intermediate_size":96,"num_hidden_layers":1,"num_attention_heads":4,
         "num_key_value_heads":4,"vocab_size":32,"max_position_embeddings":131072,"rope_theta":10000.0,
         "partial_rotary_factor":{{partial.ToString(System.Globalization.CultureInfo.InvariantCulture)}}
         {{(ropeScaling is null ? "" : $",\"rope_scaling\":{ropeScaling}")}}
         {{(topLevelOriginal is { } o ? $",\"original_max_position_embeddings\":{o}" : "")}}}
        """;

    /// <summary>The config as the loose dictionary NaiveRope reads (numbers as double, arrays as double[]).</summary>
    private static Dictionary<string, object> ToDictionary(string json)
    {
        static object Convert(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Convert(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Select(x => x.GetDouble()).ToArray(),
            JsonValueKind.Number => e.GetDouble(),
            JsonValueKind.String => e.GetString()!,
            _ => e.ValueKind == JsonValueKind.True,
        };
        var root = (Dictionary<string, object>)Convert(JsonDocument.Parse(json).RootElement);
        if (root["rope_scaling"] is Dictionary<string, object> s && !s.ContainsKey("rope_type"))
            s["rope_type"] = (string)s["type"] == "su" ? "longrope" : s["type"];
        return root;
    }
}
