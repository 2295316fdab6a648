using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CommandLineFlags;

namespace InferenceService.Cli;

/// <summary>
/// `bench-serve`: a load test in the spirit of `vllm bench serve` against any OpenAI-compatible server.
/// Sends --num-prompts streaming completions of random token-id prompts (--input-len tokens, ids in
/// [10, --max-token-id)) asking for exactly --output-len tokens (ignore_eos), at most --max-concurrency at
/// once and, with --request-rate R, arriving as a Poisson process of R requests/s. With --prefix-len P, each prompt
/// starts with one of --num-prefixes shared random prefixes of P tokens, picked at random (vLLM's prefix-repetition
/// workload: what prefix caching and prefix-aware routing serve). Prints request and output token throughput, and TTFT,
/// TPOT and ITL mean/median/p90/p99. --seed (0 by default) picks the prompts and arrivals, so a warm-up run with another
/// seed shares no prefix with the measured one. OPENAI_API_KEY, if set, is sent as the Bearer key.
/// </summary>
public static class BenchServeCommand
{
    public static FlagSet Flags { get; } = new(
    [
        KnownFlag.Value("base-url"), KnownFlag.Value("model"), KnownFlag.Value("num-prompts"), KnownFlag.Value("max-concurrency"),
        KnownFlag.Value("request-rate"), KnownFlag.Value("input-len"), KnownFlag.Value("output-len"), KnownFlag.Value("max-token-id"),
        KnownFlag.Value("prefix-len"), KnownFlag.Value("num-prefixes"), KnownFlag.Value("seed"),
    ]);

    public static async Task<int> RunAsync(CommandLine args)
    {
        var baseUrl = new Uri((args.Get("base-url") ?? "http://127.0.0.1:8000").TrimEnd('/') + "/");
        int prompts = args.GetInt("num-prompts") ?? 64;
        int concurrency = args.GetInt("max-concurrency") ?? 16;
        int inputLen = args.GetInt("input-len") ?? 128;
        int outputLen = args.GetInt("output-len") ?? 64;
        int maxTokenId = args.GetInt("max-token-id") ?? 500;
        int prefixLen = args.GetInt("prefix-len") ?? 0;
        int? numPrefixes = args.GetInt("num-prefixes");
        if (prefixLen < 0) throw new ArgumentException($"--prefix-len must be at least 0 (got {prefixLen}).");
        if (numPrefixes is not null && (numPrefixes < 1 || prefixLen == 0))
            throw new ArgumentException($"--num-prefixes needs --prefix-len and must be at least 1 (got {numPrefixes}).");
        double rate = args.Get("request-rate") is { } r && r != "inf" ? double.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : double.PositiveInfinity;
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(30) };
        // A server started with --api-key (or the gateway) wants a key: vLLM's benchmark sends OPENAI_API_KEY.
        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        string model = args.Get("model") ?? (await http.GetFromJsonAsync<JsonElement>("v1/models")).GetProperty("data")[0].GetProperty("id").GetString()!;

        int seed = args.GetInt("seed") ?? 0;
        var random = new Random(seed);
        int[] RandomIds(int count) => Enumerable.Range(0, count).Select(_ => random.Next(10, maxTokenId)).ToArray();
        var prefixes = prefixLen == 0 ? [] : Enumerable.Range(0, numPrefixes ?? 1).Select(_ => RandomIds(prefixLen)).ToList();
        var inputs = Enumerable.Range(0, prompts).Select(_ => prefixes.Count == 0 ? RandomIds(inputLen) : [.. prefixes[random.Next(prefixes.Count)], .. RandomIds(inputLen)]).ToList();
        Console.WriteLine($"bench-serve: {baseUrl} model {model}, {prompts} requests, input {inputLen}" +
            (prefixLen == 0 ? "" : $" after one of {prefixes.Count} shared prefixes of {prefixLen}") +
            $", output {outputLen}, max concurrency {concurrency}, request rate {rate}/s, seed {seed}");

        using var gate = new SemaphoreSlim(concurrency);
        var start = Stopwatch.GetTimestamp();
        var tasks = new List<Task<RequestTiming>>();
        foreach (var input in inputs)
        {
            if (!double.IsPositiveInfinity(rate)) await Task.Delay(TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) / rate));
            await gate.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try { return await SendAsync(http, model, input, outputLen); }
                finally { gate.Release(); }
            }));
        }
        var timings = await Task.WhenAll(tasks);
        double duration = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var ok = timings.Where(t => t.Error is null).ToList();
        Console.WriteLine($"successful requests:        {ok.Count} of {timings.Length}");
        foreach (var failed in timings.Where(t => t.Error is not null).Take(3)) Console.WriteLine($"  failed: {failed.Error}");
        Console.WriteLine($"benchmark duration (s):     {duration:F2}");
        Console.WriteLine($"request throughput (req/s): {ok.Count / duration:F2}");
        Console.WriteLine($"output token throughput (tok/s): {ok.Sum(t => t.OutputTokens) / duration:F2}");
        Console.WriteLine($"total token throughput (tok/s):  {ok.Sum(t => t.OutputTokens + prefixLen + inputLen) / duration:F2}");
        Report("TTFT", ok.Select(t => t.Ttft));
        Report("TPOT", ok.Where(t => t.OutputTokens > 1).Select(t => (t.Total - t.Ttft) / (t.OutputTokens - 1)));
        Report("ITL", ok.SelectMany(t => t.InterTokenLatencies));
        return ok.Count == timings.Length ? 0 : 1;
    }

    private sealed record RequestTiming(double Ttft, double Total, int OutputTokens, List<double> InterTokenLatencies, string? Error);

    private static async Task<RequestTiming> SendAsync(HttpClient http, string model, int[] prompt, int outputLen)
    {
        var start = Stopwatch.GetTimestamp();
        double ttft = 0, last = 0;
        var itl = new List<double>();
        int tokens = 0;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions")
            {
                Content = JsonContent.Create(new
                {
                    model, prompt, max_tokens = outputLen, ignore_eos = true, temperature = 0, stream = true,
                    stream_options = new { include_usage = true },
                }),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode) return new RequestTiming(0, 0, 0, itl, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]") continue;
                using var chunk = JsonDocument.Parse(line[6..]);
                double now = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (chunk.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                    tokens = usage.GetProperty("completion_tokens").GetInt32();
                if (chunk.RootElement.GetProperty("choices").GetArrayLength() == 0) continue;
                if (ttft == 0) ttft = now; else itl.Add(now - last);
                last = now;
            }
            return new RequestTiming(ttft, Stopwatch.GetElapsedTime(start).TotalSeconds, tokens, itl, null);
        }
        catch (Exception error) when (error is HttpRequestException or IOException or JsonException)
        {
            return new RequestTiming(0, 0, 0, itl, error.Message);
        }
    }

    private static void Report(string name, IEnumerable<double> seconds)
    {
        var values = seconds.Order().ToList();
        if (values.Count == 0) return;
        double Percentile(double p) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
        Console.WriteLine($"{name,-5} (ms): mean {1000 * values.Average(),9:F2}   median {1000 * Percentile(0.5),9:F2}   p90 {1000 * Percentile(0.9),9:F2}   p99 {1000 * Percentile(0.99),9:F2}");
    }
}
