namespace InferenceService.Tests.Api;

/// <summary>
/// The structured-output acceptance run with the Llama 3 and Qwen3 tokenizers (128k and 152k byte-level BPE
/// vocabularies, tokens that span several grammar symbols and split UTF-8 characters): tiny random models whose
/// output is noise, yet every one of the 50 samples per case is valid and ends with finish_reason "stop".
/// </summary>
[Collection(TokenizerServersCollection.Name)]
public sealed class StructuredOutputTokenizerTests(TokenizerServersFixture servers)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var tokenizer in TokenizerServersFixture.Names)
            foreach (var test in StructuredOutputSamples.All()) data.Add(tokenizer, test.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FiftySamples_AreValid_AndStop(string tokenizer, string name)
    {
        var test = StructuredOutputSamples.All().Single(c => c.Name == name);
        var failures = await StructuredOutputSamples.RunAsync(servers.Servers[tokenizer].Http, test, "tiny-" + tokenizer, maxTokens: 256, seed: name.Length);
        Assert.True(failures.Count == 0, $"{failures.Count} of {StructuredOutputSamples.Count} failed:\n" + string.Join("\n", failures.Take(5)));
    }
}
