using Engine.Backends;
using Engine.Backends.Cpu;
using Engine.Models;

namespace Engine.Tests.Models;

/// <summary>Greedy decoding of one sequence straight through the model and a paged cache (no scheduler).</summary>
public static class GreedyProbe
{
    public static List<int> Generate(LlamaModel model, IComputeBackend backend, IReadOnlyList<int> prompt, int maxTokens, int blockSize = 16,
        KvCacheDType kvCacheDType = KvCacheDType.Float32)
    {
        int total = prompt.Count + maxTokens;
        int blocks = (total + blockSize - 1) / blockSize;
        var cache = backend.AllocateKvCache(model.Config.NumLayers, blocks + 3, blockSize, model.Config.NumKvHeads, model.Config.HeadDim, kvCacheDType);
        // A scattered block table, to exercise the paging.
        var table = Enumerable.Range(0, blocks).Select(i => (i * 7 + 3) % (blocks + 3)).ToArray();
        var tokens = prompt.ToList();
        var output = new List<int>();
        int done = 0;
        var logits = new float[model.Config.VocabSize];
        while (output.Count < maxTokens)
        {
            var ids = tokens.Skip(done).ToArray();
            var positions = Enumerable.Range(done, ids.Length).ToArray();
            var batch = new ForwardBatch
            {
                TokenIds = ids,
                Positions = positions,
                SlotMapping = positions.Select(p => table[p / blockSize] * blockSize + p % blockSize).ToArray(),
                TokenSequence = new int[ids.Length],
                BlockTables = table,
                MaxBlocksPerSequence = table.Length,
                LogitTokenIndices = [ids.Length - 1],
            };
            backend.Download(model.Forward(batch, cache), logits);
            done = tokens.Count;
            int next = Array.IndexOf(logits, logits.Max());
            tokens.Add(next);
            output.Add(next);
        }
        return output;
    }
}
