namespace InferenceService.Tests.Api;

/// <summary>
/// Structured outputs through the real server with stories260K, a model that never saw JSON: for every schema,
/// json_object, every regex and the choice, 50 samples at temperature 1 are all valid (JsonSchema.Net, .NET Regex)
/// and all end with finish_reason "stop", streamed or not, chat or text completions.
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class StructuredOutputTests(InferenceServerFixture server)
{
    public static TheoryData<string> Cases() => new(StructuredOutputSamples.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FiftySamples_AreValid_AndStop(string name)
    {
        var test = StructuredOutputSamples.All().Single(c => c.Name == name);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };   // 50 long generations at once on a loaded machine
        var failures = await StructuredOutputSamples.RunAsync(http, test, InferenceServerFixture.ModelName, maxTokens: 400, seed: name.Length);
        Assert.True(failures.Count == 0, $"{failures.Count} of {StructuredOutputSamples.Count} failed:\n" + string.Join("\n", failures.Take(5)));
    }
}
