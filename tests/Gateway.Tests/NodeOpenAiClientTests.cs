using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests;

/// <summary>
/// The npm openai package (6.49.0, tests/node; ./test.sh installs it with npm ci) through the gateway to a real
/// tool-calling replica: tools under "auto" answered in content, the stream rebuilt by the SDK's accumulator equal to
/// the whole answer, a conversation with the call and its result continued, "required" refused with a 400 naming
/// tool_choice, and embeddings whose base64 (the SDK's default, decoded by it) equal the floats.
/// </summary>
public sealed class NodeOpenAiClientTests(ToolReplicaCluster cluster) : IClassFixture<ToolReplicaCluster>
{
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
        }, NodeFolder);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromMinutes(2)), node.Describe());
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
        Assert.Equal(await TokenCountAsync(new JsonObject
        {
            ["messages"] = JsonNode.Parse("""
                [{"role":"user","content":"Lily asked about the weather in Paris."},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"sunny"}]
                """),
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","description":"The weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]"""),
        }), conversation["prompt_tokens"]!.GetValue<int>());

        Assert.Equal(400, result["required"]!["status"]!.GetValue<int>());
        Assert.Equal("tool_choice", result["required"]!["param"]!.GetValue<string>());

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
        Assert.Equal(await TokenCountAsync(new JsonObject { ["prompt"] = "Once upon a time" }) + await TokenCountAsync(new JsonObject { ["prompt"] = "The cat sat on the mat." }),
            result["embeddings"]!["prompt_tokens"]!.GetValue<int>());
    }

    private async Task<int> TokenCountAsync(JsonObject body)
    {
        body["model"] = ToolReplicaCluster.Model;
        using var response = await cluster.Gateway.Http.SendAsync(OpenAiRequests.Post("tokenize", cluster.Key.Secret, body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("count").GetInt32();
    }
}
