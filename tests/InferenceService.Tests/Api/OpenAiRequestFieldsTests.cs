using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using InferenceService.Api;

namespace InferenceService.Tests.Api;

/// <summary>
/// Nothing in a request is silently ignored: the server's lists of OpenAI's request fields are the specification's, a field
/// it does not know is refused as unknown, one of OpenAI's it does not honour as unsupported (null, OpenAI's default, is as
/// if absent), and 'user' is honoured.
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class OpenAiRequestFieldsTests(InferenceServerFixture server)
{
    private static readonly object[] Messages = [new { role = "user", content = "Tom" }];

    [Theory]
    [InlineData("CreateChatCompletionRequest", "chat")]
    [InlineData("CreateCompletionRequest", "completions")]
    [InlineData("CreateEmbeddingRequest", "embeddings")]
    public void The_known_fields_are_the_top_level_properties_of_OpenAIs_request_schema(string schema, string endpoint)
    {
        var schemas = JsonNode.Parse(File.ReadAllText(TestData.Path("openai-openapi", "openapi.json")))!["components"]!["schemas"]!;
        IEnumerable<string> Properties(JsonNode node) => node["$ref"] is { } reference
            ? Properties(schemas[reference.GetValue<string>().Split('/')[^1]]!)
            : (node["allOf"]?.AsArray() ?? []).SelectMany(part => Properties(part!))
                .Concat(node["properties"]?.AsObject().Select(p => p.Key) ?? []);

        var known = endpoint switch { "chat" => OpenAiRequestFields.Chat, "completions" => OpenAiRequestFields.Completions, _ => OpenAiRequestFields.Embeddings };
        Assert.Equal(Properties(schemas[schema]!).Distinct().Order(), known.Order());
    }

    [Fact]
    public async Task Unknown_and_unsupported_fields_are_refused_with_messages_that_say_which()
    {
        using var unknown = await server.Http.PostAsJsonAsync("v1/chat/completions", new { messages = Messages, max_tokens = 2, best_of = 2 });
        var error = await OpenAiErrorAssert.IsErrorAsync(unknown, HttpStatusCode.BadRequest, "invalid_request_error", null);
        Assert.Equal("best_of", error.GetProperty("param").GetString());   // a completions field, not a chat one
        Assert.StartsWith("Unknown field 'best_of'", error.GetProperty("message").GetString());

        using var unsupported = await server.Http.PostAsJsonAsync("v1/chat/completions", new { messages = Messages, max_tokens = 2, metadata = new { a = "b" } });
        error = await OpenAiErrorAssert.IsErrorAsync(unsupported, HttpStatusCode.BadRequest, "invalid_request_error", null);
        Assert.Equal("metadata", error.GetProperty("param").GetString());
        Assert.Contains("not supported", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_OpenAI_field_sent_as_null_and_user_are_accepted()
    {
        using var chat = await server.Http.PostAsJsonAsync("v1/chat/completions", new { messages = Messages, max_tokens = 2, store = (bool?)null, user = "alice" });
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        using var completion = await server.Http.PostAsJsonAsync("v1/completions", new { prompt = "Tom", max_tokens = 2, user = "alice" });
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        using var embedding = await server.Http.PostAsJsonAsync("v1/embeddings", new { input = "Tom", user = "alice" });
        Assert.Equal(HttpStatusCode.OK, embedding.StatusCode);
    }

    [Fact]
    public async Task User_is_a_tag_of_the_requests_trace_span()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var traced = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--threads", "1"],
            BindWithAspNetCoreUrls = false,
            Environment = new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            },
            HealthTimeout = TimeSpan.FromSeconds(120),
        });

        using var response = await traced.Http.PostAsJsonAsync("v1/completions", new { prompt = "Tom", max_tokens = 2, user = "alice-42" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        bool tagged = await receiver.WaitForSpansAsync(spans => spans.Any(s => s.Attributes.GetValueOrDefault("user.id") == "alice-42"), TimeSpan.FromSeconds(60));
        Assert.True(tagged, $"no span with user.id alice-42 among: {string.Join(", ", receiver.Spans.Select(s => s.Name))}\n{traced.Process.Describe()}");
    }
}
