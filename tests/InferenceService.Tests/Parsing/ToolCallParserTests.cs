namespace InferenceService.Tests.Parsing;

/// <summary>
/// Each family's tool-call output, as its makers document it, read into calls: Qwen2.5/Qwen3's documented parallel
/// calls (Qwen's function-calling guide, which shows vLLM's parsed result for them), Hermes 2 Pro's model card,
/// Meta's Llama 3.1 JSON tool calling, Mistral's [TOOL_CALLS] list (v3) and [TOOL_CALLS]name[ARGS] (v11); with text
/// before the call, malformed calls (kept as content), and the format each parser describes for generating calls.
/// </summary>
public sealed class ToolCallParserTests
{
    // Qwen's guide: "<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>" per call; its
    // parallel example parses to these two calls with content None and finish_reason "tool_calls".
    public const string QwenParallel =
        "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"San Francisco, CA, USA\"}}\n</tool_call>\n" +
        "<tool_call>\n{\"name\": \"get_temperature_date\", \"arguments\": {\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}}\n</tool_call>";

    private static readonly ParsedCall SanFranciscoNow = new("get_current_temperature", "{\"location\": \"San Francisco, CA, USA\"}");
    private static readonly ParsedCall SanFranciscoTomorrow = new("get_temperature_date", "{\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}");

    [Fact]
    public void Hermes_QwenParallelCalls_AreBothCalls_WithNoContent()
    {
        var message = ParsedMessage.Parse(QwenParallel, "hermes");
        Assert.Equal(new ParsedMessage("", "", [SanFranciscoNow, SanFranciscoTomorrow]), message);
    }

    [Fact]
    public void Hermes_Hermes2ProModelCard_ArgumentsBeforeName()
    {
        var message = ParsedMessage.Parse("<tool_call>\n{\"arguments\": {\"symbol\": \"TSLA\"}, \"name\": \"get_stock_fundamentals\"}\n</tool_call>", "hermes");
        Assert.Equal(new ParsedMessage("", "", [new("get_stock_fundamentals", "{\"symbol\": \"TSLA\"}")]), message);
    }

    [Fact]
    public void Hermes_TextBeforeTheCall_IsContent()
    {
        var message = ParsedMessage.Parse("I will look that up for you.\n\n" + QwenParallel, "hermes");
        Assert.Equal(new ParsedMessage("I will look that up for you.", "", [SanFranciscoNow, SanFranciscoTomorrow]), message);
    }

    [Fact]
    public void Hermes_UnclosedCallAtTheEnd_CountsAsInVllm()
    {
        var message = ParsedMessage.Parse("<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"San Francisco, CA, USA\"}}", "hermes");
        Assert.Equal([SanFranciscoNow], message.Calls);
    }

    [Theory]
    [InlineData("missing brace", "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Paris\"}\n</tool_call>")]
    [InlineData("cut off", "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Par")]
    [InlineData("single quotes", "<tool_call>\n{'name': 'get_current_temperature', 'arguments': {'location': 'Paris'}}\n</tool_call>")]
    [InlineData("unknown function", "<tool_call>\n{\"name\": \"launch_rocket\", \"arguments\": {}}\n</tool_call>")]
    [InlineData("arguments not an object", "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": \"Paris\"}\n</tool_call>")]
    [InlineData("text after the object", "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {}} and more\n</tool_call>")]
    [InlineData("tag in prose", "You can wrap calls in a <tool_call> tag, like this.")]
    [InlineData("trailing comma", "Sure.\n<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"Paris\",}}\n</tool_call>")]
    public void Hermes_MalformedCall_IsReturnedAsContent(string name, string text)
    {
        var message = ParsedMessage.Parse(text, "hermes");
        Assert.True(new ParsedMessage(text, "", []).Equals(message), $"{name}: {message}");
    }

    [Fact]
    public void Hermes_AMalformedCallBesideAGoodOne_KeepsTheGoodOne()
    {
        const string bad = "<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {oops}}\n</tool_call>";
        var message = ParsedMessage.Parse(bad + "\n" + QwenParallel, "hermes");
        Assert.Equal(new ParsedMessage(bad, "", [SanFranciscoNow, SanFranciscoTomorrow]), message);
    }

    [Fact]
    public void ParallelCallsOff_KeepsOnlyTheFirstCall()
    {
        var message = ParsedMessage.Parse([QwenParallel], "hermes", parallelCalls: false);
        Assert.Equal([SanFranciscoNow], message.Calls);
    }

    // Meta's Llama 3.1 prompt format, JSON based tool calling: the answer is the call, then <|eot_id|> (not text).
    [Theory]
    [InlineData("{\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}}")]
    [InlineData("<|python_tag|>{\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}}")]
    [InlineData("\n\n{\"type\": \"function\", \"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}}")]
    public void Llama3Json_MetaDocumentedCall(string text)
    {
        var message = ParsedMessage.Parse(text, "llama3_json");
        Assert.Equal(new ParsedMessage("", "", [new("get_current_conditions", "{\"location\": \"San Francisco, CA\", \"unit\": \"Fahrenheit\"}")]), message);
    }

    [Fact]
    public void Llama3Json_SemicolonSeparatedParallelCalls_AndArgumentsKey()
    {
        var message = ParsedMessage.Parse(
            "{\"name\": \"get_current_temperature\", \"parameters\": {\"location\": \"San Francisco, CA, USA\"}}; " +
            "{\"name\": \"get_temperature_date\", \"arguments\": {\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}}", "llama3_json");
        Assert.Equal(new ParsedMessage("", "", [SanFranciscoNow, SanFranciscoTomorrow]), message);
    }

    [Fact]
    public void Llama3Json_TextBeforeThePythonTag_IsContent()
    {
        var message = ParsedMessage.Parse("Let me check.<|python_tag|>{\"name\": \"get_current_temperature\", \"parameters\": {\"location\": \"San Francisco, CA, USA\"}}", "llama3_json");
        Assert.Equal(new ParsedMessage("Let me check.", "", [SanFranciscoNow]), message);
    }

    [Theory]
    [InlineData("{\"name\": \"get_current_conditions\", \"parameters\": {\"location\": \"San Francisco, CA\"")]
    [InlineData("{\"location\": \"San Francisco\", \"temperature\": 21}")]
    [InlineData("Here is JSON: {\"name\": \"get_current_conditions\", \"parameters\": {}}")]
    [InlineData("<|python_tag|>brave_search.call(query=\"current weather in Menlo Park, California\")")]
    public void Llama3Json_WhatIsNotACall_IsContent(string text)
    {
        Assert.Equal(new ParsedMessage(text, "", []), ParsedMessage.Parse(text, "llama3_json"));
    }

    // Mistral 7B Instruct v0.3 (tokenizer v3): [TOOL_CALLS] and a JSON list; later models (v11): [TOOL_CALLS]name[ARGS]{...}.
    [Fact]
    public void Mistral_ListOfCalls()
    {
        var message = ParsedMessage.Parse(
            "[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Paris, France\", \"format\": \"celsius\"}}, " +
            "{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Lyon, France\", \"format\": \"celsius\"}}]", "mistral");
        Assert.Equal(new ParsedMessage("", "",
        [
            new("get_current_weather", "{\"location\": \"Paris, France\", \"format\": \"celsius\"}"),
            new("get_current_weather", "{\"location\": \"Lyon, France\", \"format\": \"celsius\"}"),
        ]), message);
    }

    [Fact]
    public void Mistral_NamedCalls_OfNewerTokenizers()
    {
        var message = ParsedMessage.Parse("Checking both.[TOOL_CALLS]get_current_weather[ARGS]{\"location\": \"Paris, France\"}" +
            "[TOOL_CALLS]get_current_temperature[ARGS]{\"location\": \"San Francisco, CA, USA\"}", "mistral");
        Assert.Equal(new ParsedMessage("Checking both.", "", [new("get_current_weather", "{\"location\": \"Paris, France\"}"), SanFranciscoNow]), message);
    }

    [Theory]
    [InlineData("[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Paris, France\"}}, {\"name\": 5}]")]
    [InlineData("[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Paris, France\"}}")]
    [InlineData("[TOOL_CALLS]get_current_weather[ARGS]{\"location\": ")]
    [InlineData("[TOOL_CALLS] I cannot call a tool here.")]
    public void Mistral_MalformedCalls_AreContent(string text)
    {
        Assert.Equal(new ParsedMessage(text, "", []), ParsedMessage.Parse(text, "mistral"));
    }

    /// <summary>What a constraint would generate from a parser's format reads back as exactly those calls.</summary>
    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    public void TextWrittenInAParsersFormat_ReadsBackAsTheCalls(string parser)
    {
        var format = Engine.Chat.Tools.ToolCallSyntax.ByName(parser).Format;
        string Call(ParsedCall call) => format.CallOpen + $"{{\"name\": \"{call.Name}\", \"{format.ArgumentsKey}\": {call.Arguments}}}" + format.CallClose;
        var text = format.CallsOpen + Call(SanFranciscoNow) + format.Separator + Call(SanFranciscoTomorrow) + format.CallsClose;
        Assert.Equal(new ParsedMessage("", "", [SanFranciscoNow, SanFranciscoTomorrow]), ParsedMessage.Parse(text, parser));
        var schema = format.CallSchema("get_current_temperature", System.Text.Json.Nodes.JsonNode.Parse("""{"type":"object","properties":{"location":{"type":"string"}}}"""));
        Assert.Equal("get_current_temperature", schema["properties"]!["name"]!["const"]!.GetValue<string>());
        Assert.Equal("string", schema["properties"]![format.ArgumentsKey]!["properties"]!["location"]!["type"]!.GetValue<string>());
    }
}
