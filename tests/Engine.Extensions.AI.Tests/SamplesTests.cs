using System.Text.Json;

namespace Engine.Extensions.AI.Tests;

/// <summary>The samples run from their build output with no argument (the bundled stories260K beside them): LocalChat
/// continues a typed line as llama2.c's greedy reference does; LocalTools' C# function is called and the model answers.</summary>
public sealed class SamplesTests
{
    [Fact]
    public async Task LocalChat_ContinuesATypedLine_AsTheGreedyReference()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.Stories260K, "reference-greedy.json")));
        var reference = document.RootElement.GetProperty("cases")[0];
        await using var sample = TestProcess.Start("LocalChat", DotNetHost.Path, [BuildOutput.ServiceDll("LocalChat", "samples/LocalChat")]);
        await sample.Input.WriteLineAsync(reference.GetProperty("prompt").GetString());
        await sample.Input.WriteLineAsync();
        Assert.True(await sample.WaitForExitAsync(TimeSpan.FromMinutes(2)), sample.Describe());
        Assert.True(sample.ExitCode == 0, sample.Describe());
        Assert.Contains(reference.GetProperty("greedy_text").GetString()!, sample.Output);
    }

    [Fact]
    public async Task LocalTools_CallsTheCSharpFunction_AndTheModelAnswers()
    {
        await using var sample = TestProcess.Start("LocalTools", DotNetHost.Path, [BuildOutput.ServiceDll("LocalTools", "samples/LocalTools")]);
        Assert.True(await sample.WaitForExitAsync(TimeSpan.FromMinutes(2)), sample.Describe());
        Assert.True(sample.ExitCode == 0, sample.Describe());
        var lines = sample.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, line => line.StartsWith("get_weather(celsius: ", StringComparison.Ordinal));
        Assert.Contains(lines, line => !line.StartsWith("get_weather(", StringComparison.Ordinal) && line.Trim().Length > 0);
    }
}
