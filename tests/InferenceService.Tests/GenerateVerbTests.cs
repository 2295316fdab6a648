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
}
