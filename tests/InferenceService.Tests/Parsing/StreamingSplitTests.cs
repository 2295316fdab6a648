namespace InferenceService.Tests.Parsing;

/// <summary>
/// Streaming: however the model's text is cut into pieces (every single cut, every pair of cuts, character by
/// character), the deltas put together give exactly the message parsed from the whole text, and argument fragments
/// join into the call's arguments.
/// </summary>
public sealed class StreamingSplitTests
{
    public static TheoryData<string, string?, string?, string> Texts() => new()
    {
        { "hermes parallel", "hermes", null, ToolCallParserTests.QwenParallel },
        { "hermes text first", "hermes", null, "Sure thing. " + ToolCallParserTests.QwenParallel + "\nDone." },
        { "hermes malformed then good", "hermes", null, "<tool_call>\n{\"name\": \"x\"}\n</tool_call><tool_call>{\"name\": \"get_current_weather\", \"arguments\": {\"a\": \"}{\\\"\"}}</tool_call>" },
        { "hermes unclosed", "hermes", null, "<tool_call>\n{\"name\": \"get_current_weather\", \"arguments\": {\"city\": \"Zürich 🌧\"}}\n</tool" },
        { "llama json", "llama3_json", null, "  {\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\"}} ;\n{\"name\": \"get_current_weather\", \"parameters\": {}}" },
        { "llama python tag", "llama3_json", null, "Checking<|python_tag|>{\"name\": \"get_current_conditions\", \"parameters\": {\"unit\": \"Celsius\"}}" },
        { "llama not a call", "llama3_json", null, "{\"name\": \"nobody\", \"parameters\": {}} is what I would write" },
        { "mistral list", "mistral", null, "[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Paris, France\"}}, {\"name\": \"get_current_weather\", \"arguments\": {}}]" },
        { "mistral named", "mistral", null, "ok [TOOL_CALLS]get_current_weather[ARGS]{\"location\": \"Paris\"}[TOOL_CALLS]bad[ARGS]{}" },
        { "reasoning then calls", "hermes", "qwen3", "<think>\nweather needed </thin k> still\n</think>\n\n" + ToolCallParserTests.QwenParallel },
        { "reasoning only", null, "deepseek_r1", "<think>\nhmm\n</think>\n\nThe answer is 42. <think> stays" },
        { "plain text with spaces", "hermes", null, "  Once upon a time <tool_ there was a < sign.  \n " },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void EveryCutOfTheText_GivesTheWholeTextsMessage(string name, string? toolParser, string? reasoningParser, string text)
    {
        var whole = ParsedMessage.Parse([text], toolParser, reasoningParser);
        void Check(IEnumerable<string> pieces, string how)
        {
            var streamed = ParsedMessage.Parse(pieces, toolParser, reasoningParser);
            Assert.True(whole.Equals(streamed), $"{name}, {how}:\n whole:    {whole}\n streamed: {streamed}");
        }

        Check(text.Select(c => c.ToString()), "character by character");
        for (int i = 1; i < text.Length; i++)
        {
            Check([text[..i], text[i..]], $"cut at {i}");
            for (int j = i + 1; j < text.Length; j++) Check([text[..i], text[i..j], text[j..]], $"cut at {i} and {j}");
        }
    }
}
