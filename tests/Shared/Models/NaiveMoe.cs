namespace Tests.Shared;

/// <summary>
/// The mixture-of-experts MLP of HF's MixtralSparseMoeBlock / Qwen3MoeSparseMoeBlock, in plain loops: router logits,
/// softmax, top k experts, routing weights renormalised (Mixtral always, Qwen3-MoE under norm_topk_prob), the weighted
/// sum of the chosen experts' SwiGLU outputs. Every token goes through its experts one by one: no grouping.
/// </summary>
public static class NaiveMoe
{
    /// <summary>Qwen3MoeDecoderLayer: sparse unless in mlp_only_layers, and only where (layer + 1) % decoder_sparse_step == 0.</summary>
    public static bool IsSparse(IReadOnlyDictionary<string, object> config, int layer)
    {
        var type = (string)config["model_type"];
        if (type == "mixtral") return true;
        if (type != "qwen3_moe") return false;
        var mlpOnly = config.TryGetValue("mlp_only_layers", out var m) ? (int[])m : [];
        int step = config.TryGetValue("decoder_sparse_step", out var s) ? (int)s : 1;
        return !mlpOnly.Contains(layer) && step > 0 && (layer + 1) % step == 0;
    }

    public static double[] Forward(TinyModel m, int layer, double[] x)
    {
        var c = m.Config;
        var w = m.Weights;
        bool mixtral = (string)c["model_type"] == "mixtral";
        string block = $"model.layers.{layer}." + (mixtral ? "block_sparse_moe." : "mlp.");
        int experts = (int)c[mixtral ? "num_local_experts" : "num_experts"], k = (int)c["num_experts_per_tok"];
        int f = mixtral ? m.Intermediate : (int)c["moe_intermediate_size"];
        bool normalize = mixtral || (c.TryGetValue("norm_topk_prob", out var n) && (bool)n);

        var router = Linear(x, w[block + "gate.weight"], experts);
        double max = router.Max();
        var probabilities = router.Select(v => Math.Exp(v - max)).ToArray();
        double sum = probabilities.Sum();
        for (int e = 0; e < experts; e++) probabilities[e] /= sum;
        var top = Enumerable.Range(0, experts).OrderByDescending(e => probabilities[e]).Take(k).ToArray();
        double topSum = top.Sum(e => probabilities[e]);

        var output = new double[x.Length];
        foreach (var e in top)
        {
            string expert = $"{block}experts.{e}.";
            var gate = Linear(x, w[expert + (mixtral ? "w1" : "gate_proj") + ".weight"], f);
            var up = Linear(x, w[expert + (mixtral ? "w3" : "up_proj") + ".weight"], f);
            var act = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
            var down = Linear(act, w[expert + (mixtral ? "w2" : "down_proj") + ".weight"], x.Length);
            double weight = normalize ? probabilities[e] / topSum : probabilities[e];
            for (int i = 0; i < output.Length; i++) output[i] += weight * down[i];
        }
        return output;
    }

    private static double[] Linear(double[] x, float[] weight, int outputs)
    {
        var y = new double[outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < x.Length; i++) y[o] += x[i] * weight[o * x.Length + i];
        return y;
    }
}
