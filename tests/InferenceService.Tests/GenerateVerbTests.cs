using System.Text.Json;

namespace InferenceService.Tests;

/// <summary>The `generate` verb as a script uses it: only the generated text on stdout, exit code 0; clear errors.</summary>
public sealed class GenerateVerbTests
{
    private static string TestData(params string[] parts) =>
        Path.Combine([BuildOutput.RepositoryRoot, "..", "shared", "testdata", .. parts]);

    private static Task<CommandResult> Run(params string[] args) => ServiceCommand.RunAsync("InferenceService", args);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Greedy_OnceUponATime_PrintsLlama2cReferenceText(bool embeddedModel)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData("models", "stories260K", "reference-greedy.json")));
        var reference = json.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("prompt").GetString() == "Once upon a time");
        string[] model = embeddedModel ? [] : ["--model", TestData("models", "stories260K")];
        var (exit, stdout, stderr) = await Run(["generate", .. model, "--prompt", "Once upon a time", "--max-tokens", "60", "--temperature", "0"]);
        Assert.True(exit == 0, stderr);
        Assert.Equal(reference.GetProperty("greedy_text").GetString(), stdout);
    }

    /// <summary>stories260K.gguf: the file itself, or the folder holding it; config, tokenizer and weights all from the GGUF.</summary>
    [Theory]
    [InlineData("stories260K.gguf")]
    [InlineData("")]
    public async Task Greedy_FromGguf_PrintsLlama2cReferenceTexts(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(TestData("models", "stories260K", "reference-greedy.json")));
        foreach (var reference in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            var model = Path.Combine(TestData("models", "stories260K-gguf"), file);
            var (exit, stdout, stderr) = await Run("generate", "--model", model, "--prompt", reference.GetProperty("prompt").GetString()!,
                "--max-tokens", reference.GetProperty("greedy_token_ids").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), "--temperature", "0");
            Assert.True(exit == 0, stderr);
            // The reference is the generated tokens decoded on their own (SentencePiece drops the first piece's space);
            // generate prints the continuation of the prompt, where a word after "park." keeps its space.
            var expected = reference.GetProperty("greedy_text").GetString()!;
            Assert.Equal(stdout.StartsWith(' ') ? " " + expected : expected, stdout);
        }
    }

    [Theory]
    [InlineData("--quantization", "q8_0", "'model.layers.0.mlp.down_proj.weight' has rows of 172 weights, not a multiple of the Q8_0 block size 32")]
    [InlineData("--quantization", "q9", "Unknown quantization 'q9'")]
    [InlineData("--tokenizer", "/nonexistent/tokenizer", "--tokenizer /nonexistent/tokenizer: no such folder")]
    public async Task BadQuantizationOrTokenizer_ExitsWithAClearError(string flag, string value, string message)
    {
        var (exit, stdout, stderr) = await Run("generate", "--model", TestData("models", "stories260K"), flag, value, "--prompt", "hi");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task GgufFileFlag_PicksTheFileInTheModelFolder()
    {
        var (exit, stdout, stderr) = await Run("generate", "--model", TestData("models", "quant-tiny-gguf"), "--gguf-file", "qtiny-Q8_0.gguf",
            "--prompt", "hi", "--max-tokens", "4", "--temperature", "0");
        Assert.True(exit == 0, stderr);
        Assert.NotEqual("", stdout);
    }

    [Theory]
    [InlineData("quant-tiny-gguf", "qtiny-Q5_K_M.gguf", "--gguf-file qtiny-Q5_K_M.gguf: no such file in", "its .gguf files: qtiny-Q4_0.gguf, qtiny-Q4_K_M.gguf, qtiny-Q8_0.gguf")]
    [InlineData("stories260K-gguf/stories260K.gguf", "stories260K.gguf", "--gguf-file stories260K.gguf names a file in the --model folder or repo", "is not a folder")]
    public async Task GgufFileFlag_NamingNoFileOfAFolder_IsAClearError(string model, string file, string message, string detail)
    {
        var (exit, stdout, stderr) = await Run("generate", "--model", TestData("models", model), "--gguf-file", file, "--prompt", "hi");
        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.Contains(detail, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task TokenizerFlag_OverridesTheGgufTokenizer()
    {
        var (exit, stdout, stderr) = await Run("generate", "--model", TestData("models", "stories260K-gguf", "stories260K.gguf"),
            "--tokenizer", TestData("models", "stories260K"), "--prompt", "Once upon a time", "--max-tokens", "8", "--temperature", "0");
        Assert.True(exit == 0, stderr);
        Assert.StartsWith(", there was a little girl", stdout);
    }

    [Fact]
    public async Task MissingModelFolder_ExitsWithAClearError()
    {
        var (exit, stdout, stderr) = await Run("generate", "--model", "/nonexistent/model", "--prompt", "hi");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("/nonexistent/model", stderr);
        Assert.DoesNotContain("   at ", stderr);   // no stack trace
    }

    [Fact]
    public async Task A_crafted_safetensors_file_is_a_clear_error_not_a_crash()
    {
        using var model = new TempDirectory();
        foreach (var file in Directory.GetFiles(TestData("models", "stories260K")))
            File.Copy(file, Path.Combine(model.Path, Path.GetFileName(file)));
        // Every tensor's offsets moved 1 GiB before the data (lengths kept): pointers far outside the mapped file.
        var weights = Path.Combine(model.Path, "model.safetensors");
        var (header, data) = SafetensorsWriter.ReadRaw(weights);
        var tensors = System.Text.Json.Nodes.JsonNode.Parse(header)!.AsObject();
        foreach (var (name, tensor) in tensors)
        {
            if (name == "__metadata__") continue;
            var offsets = tensor!["data_offsets"]!.AsArray();
            tensor["data_offsets"] = new System.Text.Json.Nodes.JsonArray((long)offsets[0]! - (1L << 30), (long)offsets[1]! - (1L << 30));
        }
        SafetensorsWriter.WriteRaw(weights, tensors.ToJsonString(), data);

        var (exit, stdout, stderr) = await Run("generate", "--model", model.Path, "--prompt", "Once upon a time", "--max-tokens", "4");
        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("not a valid safetensors file", stderr);
        Assert.Contains("data_offsets", stderr);
    }
}
