namespace InferenceService.Tests.Api;

/// <summary>
/// The fields of tool calling, reasoning and embeddings abused at random on a server that parses tool calls and
/// reasoning: nothing answers 5xx and the server stays healthy.
/// </summary>
public sealed class NewFieldsFuzzTests(ToolServerFixture fixture) : IClassFixture<ToolServerFixture>
{
    private const string Tools = """[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":false}},{"type":"function","function":{"name":"f2"}}]""";

    private static readonly RequestFuzz Fuzz = new(
    [
        ("v1/chat/completions", $$$"""{"messages":[{"role":"user","content":"Once upon a time"}],"tools":{{{Tools}}},"tool_choice":"auto","parallel_tool_calls":true,"max_tokens":8}"""),
        ("v1/chat/completions", $$$"""{"messages":[{"role":"user","content":"Tom"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"sunny"}],"tools":{{{Tools}}},"tool_choice":"none","max_tokens":8,"stream":true}"""),
        ("v1/chat/completions", $$$"""{"messages":[{"role":"user","content":"Lily"}],"tools":{{{Tools}}},"tool_choice":{"type":"function","function":{"name":"get_weather"}},"chat_template_kwargs":{"enable_thinking":false},"max_tokens":8}"""),
        ("v1/embeddings", """{"model":"stories260K","input":["Once upon a time","The cat"],"encoding_format":"base64","dimensions":16}"""),
        ("v1/embeddings", """{"input":[[1,403,407],[1,5]],"encoding_format":"float"}"""),
    ],
    ["tools", "tool_choice", "parallel_tool_calls", "chat_template_kwargs", "functions", "input", "dimensions", "encoding_format"],
    FuzzValues.All);

    [Fact]
    public async Task RandomMutationsOfTheNewFields_NeverGet5xx_AndServerStaysHealthy()
    {
        var failures = await Fuzz.ServerErrorsAsync(fixture.Server.BaseAddress, 1000, 20261207);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.Equal(200, (int)(await fixture.Server.Http.GetAsync("health")).StatusCode);
    }
}
