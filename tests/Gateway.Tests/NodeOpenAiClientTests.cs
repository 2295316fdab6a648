using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// The npm openai package (6.49.0, tests/node; ./test.sh installs it with npm ci) through the gateway to a real
/// tool-calling replica: tools under "auto" answered in content, the stream rebuilt by the SDK's accumulator equal to
/// the whole answer, a conversation with the call and its result continued, "required" and a named function giving calls
/// whose arguments validate under the tool's schema (streamed equal to whole; their results sent back continue the
/// conversation), embeddings whose base64 (the SDK's default, decoded by it) equal the floats, and the Responses API
/// (client.responses.create and stream): text, the stream rebuilt by the SDK equal to the whole response, a function call
/// and its output sent back, "required" giving function_call items valid under their tools' schemas whose outputs sent
/// back get a text answer, and text.format json_schema giving output valid under the schema.
/// </summary>
public sealed class NodeOpenAiClientTests(ToolReplicaCluster cluster) : IClassFixture<ToolReplicaCluster>
{
    private static readonly string Schema = StructuredOutputCases.Schemas["nested-required"];
    private static readonly string NodeFolder = Path.Combine(BuildOutput.RepositoryRoot, "tests", "node");

    [Fact]
    public async Task TheNpmOpenAiClient_CallsWithTools_StreamsAndEmbeds_ThroughTheGateway()
    {
        Assert.True(Directory.Exists(Path.Combine(NodeFolder, "node_modules", "openai")),
            $"The npm openai package is not installed: run `npm ci` in {NodeFolder} (./test.sh does).");
        await using var node = TestProcess.Start("node", "node", ["gateway-client.mjs"], new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = new Uri(cluster.Gateway.BaseAddress, "v1").ToString(),
            ["OPENAI_API_KEY"] = cluster.Key.Secret,
            ["MODEL"] = ToolReplicaCluster.Model,
            ["FORCED_TOOLS"] = ForcedToolCalls.Tools().ToJsonString(),
            ["JSON_SCHEMA"] = Schema,
        }, NodeFolder);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromMinutes(8)), node.Describe());
        Assert.True(node.ExitCode == 0, node.Describe());
        var line = node.Output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        var result = JsonNode.Parse(line["RESULT ".Length..])!;

        var whole = result["whole"]!;
        Assert.False(string.IsNullOrEmpty(whole["content"]!.GetValue<string>()));
        Assert.Empty(whole["tool_calls"]!.AsArray());
        Assert.Equal("length", whole["finish_reason"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(whole, result["streamed"]), $"streamed {result["streamed"]} differs from {whole}");

        var conversation = result["conversation"]!;
        Assert.False(string.IsNullOrEmpty(conversation["content"]!.GetValue<string>()));
        Assert.Equal(await cluster.TokenCountAsync(new JsonObject
        {
            ["messages"] = JsonNode.Parse("""
                [{"role":"user","content":"Lily asked about the weather in Paris."},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
                """),
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","description":"The weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]"""),
        }), conversation["prompt_tokens"]!.GetValue<int>());

        foreach (var (choice, finish) in new[] { ("required", "tool_calls"), ("named", "stop") })
        {
            var forced = result[choice]!;
            Assert.True(JsonNode.DeepEquals(forced["whole"], forced["streamed"]), $"{choice}: streamed {forced["streamed"]} differs from {forced["whole"]}");
            Assert.Equal(finish, forced["whole"]!["finish_reason"]!.GetValue<string>());
            var calls = forced["whole"]!["tool_calls"]!.AsArray();
            Assert.NotEmpty(calls);
            if (choice == "named") Assert.Equal("get_weather", Assert.Single(calls)!["name"]!.GetValue<string>());
            foreach (var call in calls)
            {
                string name = call!["name"]!.GetValue<string>(), arguments = call["arguments"]!.GetValue<string>();
                Assert.True(ForcedToolCalls.CallErrors(name, arguments) is null, $"{choice}: {name} {arguments}: {ForcedToolCalls.CallErrors(name, arguments)}");
            }
            Assert.False(string.IsNullOrEmpty(forced["follow_up"]!["content"]!.GetValue<string>()), $"{choice}: the conversation did not continue");
        }

        var responses = result["responses"]!;
        var responseWhole = responses["whole"]!;
        Assert.Equal("incomplete", responseWhole["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(responseWhole["text"]!.GetValue<string>()));
        Assert.Equal(24, responseWhole["output_tokens"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(responseWhole, responses["streamed"]), $"streamed {responses["streamed"]} differs from {responseWhole}");
        var events = responses["events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], events.Take(4));
        Assert.Equal("response.incomplete", events[^1]);
        Assert.False(string.IsNullOrEmpty(responses["conversation"]!["text"]!.GetValue<string>()));
        Assert.Equal(conversation["prompt_tokens"]!.GetValue<int>(), responses["conversation"]!["input_tokens"]!.GetValue<int>());
        var required = responses["required"]!;
        Assert.Equal("completed", required["status"]!.GetValue<string>());
        Assert.All(required["items"]!.AsArray(), item => Assert.Equal("function_call", item!.GetValue<string>()));
        var responseCalls = required["calls"]!.AsArray();
        Assert.NotEmpty(responseCalls);
        foreach (var call in responseCalls)
        {
            string name = call!["name"]!.GetValue<string>(), arguments = call["arguments"]!.GetValue<string>();
            Assert.True(ForcedToolCalls.CallErrors(name, arguments) is null, $"responses required: {name} {arguments}: {ForcedToolCalls.CallErrors(name, arguments)}");
        }
        Assert.False(string.IsNullOrEmpty(required["follow_up"]!["text"]!.GetValue<string>()), "responses required: the conversation did not continue");
        var structured = responses["json_schema"]!;
        Assert.Equal("completed", structured["status"]!.GetValue<string>());
        string json = structured["text"]!.GetValue<string>();
        Assert.True(StructuredOutputCases.JsonErrors(Schema, json) is null, $"{json}: {StructuredOutputCases.JsonErrors(Schema, json)}");

        var decoded = result["embeddings"]!["decoded"]!.AsArray();
        var floats = result["embeddings"]!["floats"]!.AsArray();
        Assert.Equal(2, decoded.Count);
        for (int i = 0; i < 2; i++)
        {
            var vector = floats[i]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
            Assert.Equal(vector, decoded[i]!.AsArray().Select(v => v!.GetValue<float>()));
            Assert.Equal(64, vector.Length);
            Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 5);
        }
        Assert.Equal(await cluster.TokenCountAsync(new JsonObject { ["prompt"] = "Once upon a time" }) + await cluster.TokenCountAsync(new JsonObject { ["prompt"] = "The cat sat on the mat." }),
            result["embeddings"]!["prompt_tokens"]!.GetValue<int>());
    }
}
