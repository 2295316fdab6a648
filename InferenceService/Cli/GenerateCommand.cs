using CommandLineFlags;
using Engine.Configuration;
using Engine.Core;
using Engine.Sampling;
using Engine.Tokenization;
using InferenceService.Hosting;

namespace InferenceService.Cli;

/// <summary>
/// `generate`: runs one prompt through the engine and prints only the generated text to stdout, streamed
/// as it is produced (no trailing newline), for scripts. Engine flags as for serving; sampling flags:
/// --max-tokens, --temperature, --top-p, --top-k, --min-p, --seed, --repetition-penalty,
/// --presence-penalty, --frequency-penalty, --min-tokens, --ignore-eos.
/// </summary>
public static class GenerateCommand
{
    public static FlagSet Flags { get; } = EngineFlags.Options.With(
    [
        KnownFlag.Value("prompt"), KnownFlag.Value("max-tokens"), KnownFlag.Value("temperature"), KnownFlag.Value("top-p"),
        KnownFlag.Value("top-k"), KnownFlag.Value("min-p"), KnownFlag.Value("repetition-penalty"), KnownFlag.Value("presence-penalty"),
        KnownFlag.Value("frequency-penalty"), KnownFlag.Value("min-tokens"), KnownFlag.Switch("ignore-eos"),
    ]);

    public static async Task<int> RunAsync(CommandLine args, IConfiguration configuration)
    {
        var prompt = args.Get("prompt") ?? throw new ArgumentException("--prompt \"<text>\" is required.");
        var options = EngineOptionsReader.Read(configuration);
        var parameters = new SamplingParams
        {
            MaxTokens = args.GetInt("max-tokens") ?? 16,
            Temperature = args.GetFloat("temperature") ?? 1f,
            TopP = args.GetFloat("top-p") ?? 1f,
            TopK = args.GetInt("top-k") ?? 0,
            MinP = args.GetFloat("min-p") ?? 0f,
            Seed = options.Seed,
            RepetitionPenalty = args.GetFloat("repetition-penalty") ?? 1f,
            PresencePenalty = args.GetFloat("presence-penalty") ?? 0f,
            FrequencyPenalty = args.GetFloat("frequency-penalty") ?? 0f,
            MinTokens = args.GetInt("min-tokens") ?? 0,
            IgnoreEos = args.GetSwitch("ignore-eos") ?? false,
        };

        var engineOptions = options with { MaxNumSeqs = 1, MaxNumBatchedTokens = Math.Max(options.MaxNumBatchedTokens, 1) };
        using var engine = new LlmEngine(engineOptions, BackendFactory.Create(engineOptions));
        var promptIds = engine.Tokenizer.Encode(prompt);
        var seq = engine.Add("generate-0", promptIds, parameters);
        var detokenizer = new IncrementalDetokenizer(engine.Tokenizer, promptIds);
        var stdout = Console.Out;
        await foreach (var output in seq.Output.Reader.ReadAllAsync())
        {
            stdout.Write(detokenizer.Add(output.TokenId));
            stdout.Flush();
        }
        stdout.Write(detokenizer.Flush());
        stdout.Flush();
        return 0;
    }
}
