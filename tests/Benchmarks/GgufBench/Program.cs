using System.Globalization;
using GgufBench;

// llamacpp-bench.sh's helper:
//   write --config <config.json> --output <dir> [--types F32,BF16,Q8_0,Q4_0,Q4_K_M]
//                                                 <type>.gguf of random weights of that shape: F32 written here, the
//                                                 others converted from it by llama.cpp's llama_model_quantize
//   llamacpp --model <file.gguf> [--threads 2] [--input-len 128] [--output-len 64] [--streams 8,32]
//                                                 prints "prefill <tok/s> decode <tok/s> aggregate <n> <tok/s> ..."
var options = new Dictionary<string, string>();
for (int i = 1; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
string[] List(string name, string fallback) => (options.TryGetValue(name, out var v) ? v : fallback).Split(',');
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "write":
        RandomGguf.WriteAll(options["config"], options["output"], List("types", "F32,BF16,Q8_0,Q4_0,Q4_K_M"));
        return 0;
    case "llamacpp":
        var streams = List("streams", "8,32").Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var result = LlamaCppBench.Run(options["model"], Int("threads", 2), Int("input-len", 128), Int("output-len", 64), streams);
        Console.WriteLine(FormattableString.Invariant($"prefill {result.Prefill:F1} decode {result.Decode:F1}") +
            string.Concat(result.Aggregate.Select(a => FormattableString.Invariant($" aggregate {a.Streams} {a.TokensPerSecond:F1}"))));
        return 0;
    default:
        Console.Error.WriteLine("usage: GgufBench write --config <config.json> --output <dir> [--types F32,BF16,...] | llamacpp --model <file.gguf> [--threads N] [--streams 8,32]");
        return 2;
}
