using System.Text.Json;
using LLama;
using LLama.Native;
using Tests.Shared;

namespace GgufBench;

/// <summary>A random-weight Llama GGUF of a config.json's shape (F32, uniform ±1/√cols like --load-format dummy,
/// norms 1), with TinyGguf's SentencePiece vocabulary, and llama.cpp's quantizations of it: the same files are
/// then run by both engines.</summary>
public static class RandomGguf
{
    public static readonly string[] Presets = ["Q8_0", "Q4_0", "Q4_K_M"];

    public static void WriteAll(string configPath, string directory)
    {
        Directory.CreateDirectory(directory);
        var f32 = Path.Combine(directory, "F32.gguf");
        using (var config = JsonDocument.Parse(File.ReadAllText(configPath))) Write(config.RootElement, f32);
        NativeApi.llama_empty_call();   // loads llama.cpp through LLamaSharp's resolver
        foreach (var preset in Presets)
        {
            var type = preset switch { "Q8_0" => LLamaFtype.MOSTLY_Q8_0, "Q4_0" => LLamaFtype.MOSTLY_Q4_0, _ => LLamaFtype.MOSTLY_Q4_K_M };
            if (!LLamaQuantizer.Quantize(f32, Path.Combine(directory, preset + ".gguf"), type, nthread: Environment.ProcessorCount))
                throw new InvalidOperationException($"llama_model_quantize {preset} failed.");
        }
        File.Delete(f32);
    }

    private static void Write(JsonElement c, string path)
    {
        int Get(string name) => c.GetProperty(name).GetInt32();
        int hidden = Get("hidden_size"), layers = Get("num_hidden_layers"), heads = Get("num_attention_heads");
        int kvHeads = c.TryGetProperty("num_key_value_heads", out var kv) ? kv.GetInt32() : heads;
        int ffn = Get("intermediate_size"), vocab = Get("vocab_size"), headDim = hidden / heads;
        bool tied = c.TryGetProperty("tie_word_embeddings", out var t) && t.GetBoolean();
        var random = new Random(42);
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .Add("llama.context_length", (uint)Get("max_position_embeddings"))
            .Add("llama.embedding_length", (uint)hidden)
            .Add("llama.block_count", (uint)layers)
            .Add("llama.feed_forward_length", (uint)ffn)
            .Add("llama.attention.head_count", (uint)heads)
            .Add("llama.attention.head_count_kv", (uint)kvHeads)
            .Add("llama.rope.dimension_count", (uint)headDim)
            .Add("llama.attention.layer_norm_rms_epsilon", (float)c.GetProperty("rms_norm_eps").GetDouble())
            .Add("llama.rope.freq_base", (float)c.GetProperty("rope_theta").GetDouble());
        TinyGguf.AddVocabulary(writer, vocab);
        void Matrix(string name, int rows, int cols)
        {
            float scale = 1 / MathF.Sqrt(cols);
            writer.AddF32(name, Enumerable.Range(0, rows * cols).Select(_ => scale * (2 * random.NextSingle() - 1)).ToArray(), cols, rows);
        }
        void Norm(string name) => writer.AddF32(name, Enumerable.Repeat(1f, hidden).ToArray(), hidden);
        Matrix("token_embd.weight", vocab, hidden);
        Norm("output_norm.weight");
        if (!tied) Matrix("output.weight", vocab, hidden);
        for (int l = 0; l < layers; l++)
        {
            Norm($"blk.{l}.attn_norm.weight");
            Matrix($"blk.{l}.attn_q.weight", heads * headDim, hidden);
            Matrix($"blk.{l}.attn_k.weight", kvHeads * headDim, hidden);
            Matrix($"blk.{l}.attn_v.weight", kvHeads * headDim, hidden);
            Matrix($"blk.{l}.attn_output.weight", hidden, heads * headDim);
            Norm($"blk.{l}.ffn_norm.weight");
            Matrix($"blk.{l}.ffn_gate.weight", ffn, hidden);
            Matrix($"blk.{l}.ffn_up.weight", ffn, hidden);
            Matrix($"blk.{l}.ffn_down.weight", hidden, ffn);
        }
        writer.Write(path);
    }
}
