namespace InferenceService.Tests;

/// <summary>
/// The command line is strict: a flag the verb does not take, or one given wrongly, ends the process with exit code 2 and
/// a message naming the closest known flag, before anything loads (a server that ignored it would never exit).
/// </summary>
public sealed class CommandLineTests
{
    private static string TestData(params string[] parts) =>
        Path.Combine([BuildOutput.RepositoryRoot, "..", "shared", "testdata", .. parts]);

    private static Task<CommandResult> Run(params string[] args) => ServiceCommand.RunAsync("InferenceService", args);

    private static Task AssertRefused(string[] args, string message) => CommandLineAssert.RefusedAsync("InferenceService", args, message);

    [Theory]
    [InlineData(new[] { "--max-modle-len", "512" }, "--max-modle-len", "--max-model-len")]
    [InlineData(new[] { "--max-modle-len=512" }, "--max-modle-len", "--max-model-len")]
    [InlineData(new[] { "serve", "--no-enable-prefix-cachng" }, "--no-enable-prefix-cachng", "--no-enable-prefix-caching")]
    [InlineData(new[] { "--api-kye", "k" }, "--api-kye", "--api-key")]
    [InlineData(new[] { "generate", "--prompt", "hi", "--temprature", "0" }, "--temprature", "--temperature")]
    [InlineData(new[] { "bench", "--concurency", "1,2" }, "--concurency", "--concurrency")]
    [InlineData(new[] { "bench-serve", "--num-promts", "2" }, "--num-promts", "--num-prompts")]
    [InlineData(new[] { "render-chat-template", "--no-generation-prmpt" }, "--no-generation-prmpt", "--no-generation-prompt")]
    public Task UnknownFlag_NamesTheClosestKnownFlag(string[] args, string typed, string closest) =>
        AssertRefused(args, $"unknown flag {typed} (did you mean {closest}?)");

    [Theory]
    [InlineData("generate", "--concurrency")]          // bench's
    [InlineData("bench", "--temperature")]             // generate's
    [InlineData("serve", "--prompt")]                  // generate's
    [InlineData("bench-serve", "--max-model-len")]     // the engine's: bench-serve only talks to a server
    [InlineData("render-chat-template", "--model")]
    public async Task AnotherVerbsFlag_IsRefused_WithTheFlagsOfThisVerb(string verb, string flag)
    {
        var result = await Run(verb, flag, "1");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith($"error: unknown flag {flag} (known flags: ", result.Stderr);
    }

    [Fact]
    public async Task NothingClose_ListsTheKnownFlags()
    {
        var result = await Run("--frobnicate", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: unknown flag --frobnicate (known flags: --model, --max-model-len, ", result.Stderr);
        Assert.Contains("--[no-]enable-prefix-caching", result.Stderr);
        Assert.Contains("--api-key", result.Stderr);
    }

    [Fact]
    public async Task TheCommandLineIsCheckedBeforeTheModelLoads()
    {
        // The missing model would be exit 1; the misspelt flag is found first.
        await AssertRefused(["generate", "--model", "/nonexistent/model", "--promt", "hi"], "unknown flag --promt (did you mean --prompt?)");
    }

    [Fact]
    public async Task FlagsGivenWrongly_AreRefused()
    {
        await AssertRefused(["generate", "--prompt", "hi", "--ignore-eos", "maybe"], "unexpected argument 'maybe' (flags look like --name value)");
        await AssertRefused(["generate", "--prompt", "hi", "--ignore-eos=maybe"], "--ignore-eos is a switch: give it alone, or with true or false, not 'maybe'");
        await AssertRefused(["--port"], "--port needs a value (--port VALUE or --port=VALUE)");
        await AssertRefused(["--model", "--port", "8000"], "--model needs a value (--model VALUE or --model=VALUE)");
        await AssertRefused(["--no-enable-prefix-caching=true"], "--no-enable-prefix-caching takes no value");
    }

    [Theory]
    [InlineData(new[] { "--tool-call-parser", "pythonic" }, "--tool-call-parser 'pythonic': expected one of hermes, llama3_json, mistral.")]
    [InlineData(new[] { "--enable-auto-tool-choice" }, "--enable-auto-tool-choice needs --tool-call-parser hermes|llama3_json|mistral.")]
    [InlineData(new[] { "--reasoning-parser", "r1" }, "--reasoning-parser 'r1': expected one of deepseek_r1, qwen3.")]
    [InlineData(new[] { "--runner", "embed" }, "--runner 'embed': expected generate or pooling.")]
    [InlineData(new[] { "--pooling-type", "cls" }, "--pooling-type 'cls': expected last or mean.")]
    [InlineData(new[] { "--kv-cache-dtype", "fp16" }, "--kv-cache-dtype 'fp16': expected auto, float32, bfloat16, fp8_e4m3 or fp8_e5m2.")]
    [InlineData(new[] { "--speculative-config", "{\"method\":\"ngram\",\"num_speculative_tokens\":2,\"lookahead\":1}" },
        "--speculative-config has unknown key 'lookahead' (known: method, model, num_speculative_tokens, prompt_lookup_max, prompt_lookup_min).")]
    [InlineData(new[] { "--speculative-config", "{\"method\":\"ngram\",\"num_speculative_tokens\":0}" },
        "--speculative-config has num_speculative_tokens 0: expected 1 to 32.")]
    [InlineData(new[] { "--enable-lora", "--lora-modules", "nonsense" },
        "--lora-modules 'nonsense': expected name=path or {\"name\": ..., \"path\": ..., \"base_model_name\": ...}.")]
    [InlineData(new[] { "--enable-lora", "--lora-modules", "{\"name\":\"a\",\"path\":\"/a\",\"rank\":4}" },
        "--lora-modules '{\"name\":\"a\",\"path\":\"/a\",\"rank\":4}': unknown field 'rank' (fields: name, path, base_model_name).")]
    [InlineData(new[] { "--enable-lora", "--lora-modules", "a=/a", "--lora-modules", "a=/b" }, "--lora-modules names 'a' twice.")]
    [InlineData(new[] { "--lora-modules", "a=/a" }, "--lora-modules needs --enable-lora.")]
    [InlineData(new[] { "--max-memory", "lots" }, "--max-memory: 'lots' is not a size (examples: 2GiB, 512MiB, 1e9).")]
    [InlineData(new[] { "--max-memory", "0" }, "--max-memory: must be more than 0 bytes, got '0'.")]
    [InlineData(new[] { "--keep-alive", "soon" }, "--keep-alive 'soon' is not a duration (examples: 5m, 30s, 1h30m, 250ms, or a number of seconds; negative: never).")]
    [InlineData(new[] { "--load-timeout", "-1" }, "--load-timeout must not be negative.")]
    public async Task ServeRefusesAFlagValueItDoesNotKnow_BeforeServing(string[] args, string message)
    {
        var result = await Run(["--port", FreePort.Next().ToString(), .. args]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"error: {message}", result.Stderr.Trim());
    }

    [Fact]
    public async Task Serve_RefusesAShutdownTimeoutThatIsNotSeconds()
    {
        var result = await Run("--shutdown-timeout", "soon");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith("error: --shutdown-timeout must be a number of seconds from 0 to 86400, got 'soon'.", result.Stderr);
    }

    [Fact]
    public async Task UnknownVerb_NamesTheClosestVerb()
    {
        await AssertRefused(["genrate", "--prompt", "hi"],
            "unknown verb 'genrate' (did you mean generate? verbs: serve, generate, bench, bench-serve, render-chat-template; serve is the default)");
    }

    [Fact]
    public async Task Generate_TakesEveryEngineFlagAndEverySamplingFlag()
    {
        var result = await Run(
            "generate", "--model", TestData("models", "stories260K"), "--max-model-len", "64", "--max-num-seqs", "4",
            "--max-num-batched-tokens", "64", "--block-size", "16", "--kv-cache-memory", "1MiB", "--kv-cache-dtype", "fp8_e4m3", "--no-enable-prefix-caching",
            "--scheduling-policy", "fcfs", "--max-num-queued-requests", "8", "--dtype", "float32", "--load-format", "auto", "--seed", "1",
            "--threads", "1", "--device", "cpu", "--gpu-memory-utilization", "0.5",
            "--speculative-config", "{\"method\":\"ngram\",\"num_speculative_tokens\":2}",
            "--prompt", "Once upon a time", "--max-tokens", "8", "--temperature", "0", "--top-p", "1", "--top-k", "0", "--min-p", "0",
            "--repetition-penalty", "1", "--presence-penalty", "0", "--frequency-penalty", "0", "--min-tokens", "8", "--ignore-eos");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEqual("", result.Stdout);
    }

    [Fact]
    public async Task Bench_TakesItsFlags()
    {
        // bench probes the host's memory bandwidth (1 GiB read three times, twice) and FMA throughput: slow on a loaded host.
        var result = await ServiceCommand.RunAsync("InferenceService",
            ["bench", "--model", TestData("models", "stories260K"), "--load-format", "dummy", "--threads", "1", "--input-len", "8",
             "--output-len", "4", "--concurrency", "1,2", "--repeats", "1", "--prefix-len", "8", "--profile"],
            timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("concurrency   2:", result.Stdout);
        Assert.Matches(@"warm-up, single stream: ([6-9]|1[0-2]) runs, decode( \d+){6,12} tok/s", result.Stdout);   // at least 6, then until two runs do not beat the best
        Assert.Matches(@"warm-up, concurrency 2: ([3-9]|1[0-2]) runs", result.Stdout);
        Assert.Contains("limits: single-stream decode <=", result.Stdout);
        Assert.Contains("aggregate decode: tokens/s while all n streams decode together", result.Stdout);   // the figure says what it is
        Assert.Matches(@"prefix caching: TTFT with a 8-token prefix \(\+8 new tokens\) cold [\d.]+ ms, cached [\d.]+ ms: [\d.]+x faster " +
            @"\(medians of 5 fresh prefixes, after a warm-up on another 16-token prompt\)", result.Stdout);
        Assert.Contains("profile of the decode steps at concurrency 2", result.Stdout);
    }

    [Fact]
    public async Task Bench_WithACompactKvCache_PrintsItsDecodeAsARatioToF32Kv()
    {
        var result = await Run(
            "bench", "--model", TestData("models", "stories260K"), "--load-format", "dummy", "--threads", "1", "--input-len", "8",
            // Long enough that the four streams decode together for a while even on a loaded machine (6 was not, once).
            "--output-len", "32", "--concurrency", "1,4", "--repeats", "1", "--kv-cache-dtype", "fp8_e4m3");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"kv-cache-dtype fp8_e4m3 at concurrency 4: aggregate decode [\d.]+ tok/s vs [\d.]+ tok/s with the F32 KV cache: [\d.]+x", result.Stdout);
    }
}
