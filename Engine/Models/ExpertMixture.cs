using Engine.Backends;

namespace Engine.Models;

/// <summary>
/// A mixture-of-experts MLP (Mixtral, Qwen3-MoE), as HF computes it: router logits, softmax over the experts, each token's
/// top k (renormalised when the config says so), and the routing-weighted sum of those experts' SwiGLU outputs added to the
/// residual. The router's logits come to the host; the step's tokens are grouped by expert, so each chosen expert's
/// weights are read once per step for all its tokens (gather its rows, two matmuls, scale and add back).
/// </summary>
internal sealed class ExpertMixture(IComputeBackend backend, ModelConfig config, int maxTokens)
{
    private readonly Tensor _routerLogits = backend.Allocate(maxTokens, config.NumExperts);
    private readonly Tensor _gathered = backend.Allocate(maxTokens, config.HiddenSize);
    private readonly Tensor _gateUp = backend.Allocate(maxTokens, 2 * config.ExpertIntermediateSize);
    private readonly Tensor _activated = backend.Allocate(maxTokens, config.ExpertIntermediateSize);
    private readonly Tensor _output = backend.Allocate(maxTokens, config.HiddenSize);
    private float[] _logits = [];

    public void Run(LlamaLayer layer, ForwardBuffers.StepBuffers b)
    {
        int tokens = b.Normed.Rows, experts = config.NumExperts;
        var logits = _routerLogits.FirstRows(tokens);
        backend.MatMul(b.Normed, layer.Router!, null, logits);
        if (_logits.Length < tokens * experts) _logits = new float[tokens * experts];
        backend.Download(logits, _logits.AsSpan(0, tokens * experts));

        var (rows, weights) = Route(_logits, tokens);
        for (int e = 0; e < experts; e++)
        {
            int n = rows[e].Count;
            if (n == 0) continue;
            var (gateUp, down) = layer.Experts[e];
            backend.GatherRows(b.Normed, [.. rows[e]], _gathered.FirstRows(n));
            backend.MatMul(_gathered.FirstRows(n), gateUp, null, _gateUp.FirstRows(n));
            backend.SiluMul(_gateUp.FirstRows(n), _activated.FirstRows(n));
            backend.MatMul(_activated.FirstRows(n), down, null, _output.FirstRows(n));
            backend.AddScaledRows(b.Residual, _output.FirstRows(n), [.. rows[e]], [.. weights[e]]);
        }
    }

    /// <summary>Per expert, the tokens routed to it and their weights.</summary>
    private (List<int>[] Rows, List<float>[] Weights) Route(float[] logits, int tokens)
    {
        int experts = config.NumExperts, k = config.ExpertsPerToken;
        var rows = Enumerable.Range(0, experts).Select(_ => new List<int>()).ToArray();
        var weights = Enumerable.Range(0, experts).Select(_ => new List<float>()).ToArray();
        var probabilities = new double[experts];
        for (int t = 0; t < tokens; t++)
        {
            var row = logits.AsSpan(t * experts, experts);
            float max = float.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            for (int e = 0; e < experts; e++) sum += probabilities[e] = Math.Exp(row[e] - max);
            // Top k by probability, the lower expert first on ties.
            var chosen = Enumerable.Range(0, experts).OrderByDescending(e => probabilities[e]).ThenBy(e => e).Take(k).ToArray();
            double total = config.NormalizeTopK ? chosen.Sum(e => probabilities[e]) : sum;
            foreach (var e in chosen)
            {
                rows[e].Add(t);
                weights[e].Add((float)(probabilities[e] / total));
            }
        }
        return (rows, weights);
    }
}
