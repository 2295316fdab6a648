using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>The schema check can fail: a real response of the server passes, and the same response with one field made wrong does not.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class OpenAiSchemaTests(InferenceServerFixture server)
{
    private async Task<JsonObject> ResponseAsync(string path, object body)
    {
        using var response = await server.Http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IReadOnlyList<string> Problems(string schema, JsonNode value) => OpenAiSchema.Problems(schema, JsonSerializer.SerializeToElement(value));

    [Fact]
    public async Task A_completion_with_a_chunks_object_an_unknown_field_or_a_null_finish_reason_fails()
    {
        var completion = await ResponseAsync("v1/completions", new { model = InferenceServerFixture.ModelName, prompt = "Once upon a time", max_tokens = 4 });
        Assert.Empty(Problems("CreateCompletionResponse", completion));

        var wrongObject = completion.DeepClone();
        wrongObject["object"] = "completion.chunk";
        Assert.Contains(Problems("CreateCompletionResponse", wrongObject), p => p.StartsWith("/object: enum", StringComparison.Ordinal));

        var unknownField = completion.DeepClone();
        unknownField["choices"]![0]!["stop_reason"] = null;   // vLLM's, but not one we allow
        Assert.Equal(["/choices/0/stop_reason: not in OpenAI's schema (nor an allowed extension, OpenAiExtensions)"], Problems("CreateCompletionResponse", unknownField));

        // Null until a choice's last chunk in a stream, never in a whole response.
        var unfinished = completion.DeepClone();
        unfinished["choices"]![0]!["finish_reason"] = null;
        Assert.Empty(Problems("CreateCompletionStreamResponse", unfinished));
        Assert.Contains(Problems("CreateCompletionResponse", unfinished), p => p.StartsWith("/choices/0/finish_reason", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chat_completion_without_refusal_or_with_a_string_index_fails()
    {
        var chat = await ResponseAsync("v1/chat/completions", new
        {
            model = InferenceServerFixture.ModelName, messages = new[] { new { role = "user", content = "Tom" } }, max_tokens = 4, logprobs = true,
        });
        Assert.Empty(Problems("CreateChatCompletionResponse", chat));

        var noRefusal = chat.DeepClone();
        noRefusal["choices"]![0]!["message"]!.AsObject().Remove("refusal");
        Assert.Contains(Problems("CreateChatCompletionResponse", noRefusal), p => p.StartsWith("/choices/0/message: required", StringComparison.Ordinal));

        var stringIndex = chat.DeepClone();
        stringIndex["choices"]![0]!["index"] = "0";
        Assert.Contains(Problems("CreateChatCompletionResponse", stringIndex), p => p.StartsWith("/choices/0/index: type", StringComparison.Ordinal));
    }
}
