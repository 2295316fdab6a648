using GgufBench;

// gguf-bench.sh's helper:
//   write --config <config.json> --output <dir>   random-weight F32 GGUF of that shape, then Q8_0 / Q4_0 / Q4_K_M
//                                                 made from it by llama.cpp's llama_model_quantize
//   llamacpp --model <file.gguf> [--threads 2] [--input-len 128] [--output-len 64] [--streams 32]
//                                                 prints "prefill <tok/s> decode <tok/s> aggregate <tok/s>"
var options = new Dictionary<string, string>();
for (int i = 1; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

switch (args.FirstOrDefault())
{
    case "write":
        RandomGguf.WriteAll(options["config"], options["output"]);
        return 0;
    case "llamacpp":
        var result = LlamaCppBench.Run(options["model"], Int("threads", 2), Int("input-len", 128), Int("output-len", 64), Int("streams", 32));
        Console.WriteLine(FormattableString.Invariant($"prefill {result.Prefill:F1} decode {result.Decode:F1} aggregate {result.Aggregate:F1}"));
        return 0;
    default:
        Console.Error.WriteLine("usage: GgufBench write --config <config.json> --output <dir> | llamacpp --model <file.gguf> [--threads N]");
        return 2;
}
