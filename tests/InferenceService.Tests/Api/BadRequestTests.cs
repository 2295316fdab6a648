using System.Net;
using System.Text;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>Bad requests get the right 4xx with OpenAI's error shape, never a 5xx or a framework 422.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class BadRequestTests(InferenceServerFixture server)
{
    private const string Chat = "v1/chat/completions";
    private const string Completions = "v1/completions";
    private const string User = """[{"role":"user","content":"hi"}]""";

    public static TheoryData<string, string, string, int, string?> Cases() => new()
    {
        // name, path, raw body, expected status, expected param (null: any)
        { "malformed json", Chat, """{"messages": [""", 400, null },
        { "not an object", Chat, """[1,2,3]""", 400, null },
        { "empty body", Chat, "", 400, null },
        { "messages missing", Chat, """{"model":"stories260K"}""", 400, "messages" },
        { "messages empty", Chat, """{"messages":[]}""", 400, "messages" },
        { "messages not a list", Chat, """{"messages":"hi"}""", 400, "messages" },
        { "message not an object", Chat, """{"messages":["hi"]}""", 400, "messages[0]" },
        { "role missing", Chat, """{"messages":[{"content":"hi"}]}""", 400, "messages[0].role" },
        { "bad role", Chat, """{"messages":[{"role":"wizard","content":"hi"}]}""", 400, "messages[0].role" },
        { "role not a string", Chat, """{"messages":[{"role":5,"content":"hi"}]}""", 400, "messages[0].role" },
        { "user content missing", Chat, """{"messages":[{"role":"user"}]}""", 400, "messages[0].content" },
        { "content wrong type", Chat, """{"messages":[{"role":"user","content":42}]}""", 400, "messages[0].content" },
        { "image part", Chat, """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", 400, "messages[0].content" },
        { "unknown model", Chat, $$$"""{"model":"gpt-9","messages":{{{User}}}}""", 404, "model" },
        { "model wrong type", Chat, $$$"""{"model":7,"messages":{{{User}}}}""", 400, "model" },
        { "temperature negative", Chat, $$$"""{"messages":{{{User}}},"temperature":-1}""", 400, "temperature" },
        { "temperature huge", Chat, $$$"""{"messages":{{{User}}},"temperature":1e9}""", 400, "temperature" },
        { "temperature string", Chat, $$$"""{"messages":{{{User}}},"temperature":"hot"}""", 400, "temperature" },
        { "top_p 2", Chat, $$$"""{"messages":{{{User}}},"top_p":2}""", 400, "top_p" },
        { "top_p 0", Chat, $$$"""{"messages":{{{User}}},"top_p":0}""", 400, "top_p" },
        { "top_k -5", Chat, $$$"""{"messages":{{{User}}},"top_k":-5}""", 400, "top_k" },
        { "min_p 1.5", Chat, $$$"""{"messages":{{{User}}},"min_p":1.5}""", 400, "min_p" },
        { "n 0", Chat, $$$"""{"messages":{{{User}}},"n":0}""", 400, "n" },
        { "n negative", Chat, $$$"""{"messages":{{{User}}},"n":-3}""", 400, "n" },
        { "n huge", Chat, $$$"""{"messages":{{{User}}},"n":100000}""", 400, "n" },
        { "n float", Chat, $$$"""{"messages":{{{User}}},"n":1.5}""", 400, "n" },
        { "max_tokens 0", Chat, $$$"""{"messages":{{{User}}},"max_tokens":0}""", 400, "max_tokens" },
        { "max_tokens negative", Chat, $$$"""{"messages":{{{User}}},"max_tokens":-10}""", 400, "max_tokens" },
        { "max_tokens over context", Chat, $$$"""{"messages":{{{User}}},"max_tokens":100000}""", 400, "max_tokens" },
        { "max_tokens over context, streamed", Chat, $$$"""{"messages":{{{User}}},"max_tokens":100000,"stream":true}""", 400, "max_tokens" },
        { "bad sampling parameter, streamed", Chat, $$$"""{"messages":{{{User}}},"top_k":-5,"stream":true,"n":3}""", 400, "top_k" },
        { "max_tokens beyond int", Chat, $$$"""{"messages":{{{User}}},"max_tokens":99999999999999}""", 400, "max_tokens" },
        { "presence_penalty 3", Chat, $$$"""{"messages":{{{User}}},"presence_penalty":3}""", 400, "presence_penalty" },
        { "frequency_penalty -3", Chat, $$$"""{"messages":{{{User}}},"frequency_penalty":-3}""", 400, "frequency_penalty" },
        { "repetition_penalty 0", Chat, $$$"""{"messages":{{{User}}},"repetition_penalty":0}""", 400, "repetition_penalty" },
        { "top_logprobs without logprobs", Chat, $$$"""{"messages":{{{User}}},"top_logprobs":2}""", 400, "top_logprobs" },
        { "top_logprobs 50", Chat, $$$"""{"messages":{{{User}}},"logprobs":true,"top_logprobs":50}""", 400, "top_logprobs" },
        { "logprobs not bool", Chat, $$$"""{"messages":{{{User}}},"logprobs":"yes"}""", 400, "logprobs" },
        { "stop wrong type", Chat, $$$"""{"messages":{{{User}}},"stop":5}""", 400, "stop" },
        { "stop list of numbers", Chat, $$$"""{"messages":{{{User}}},"stop":[1,2]}""", 400, "stop" },
        { "stream not bool", Chat, $$$"""{"messages":{{{User}}},"stream":"yes"}""", 400, "stream" },
        { "stream_options without stream", Chat, $$$"""{"messages":{{{User}}},"stream_options":{"include_usage":true}}""", 400, "stream_options" },
        { "logit_bias bad key", Chat, $$$"""{"messages":{{{User}}},"logit_bias":{"abc":1}}""", 400, "logit_bias" },
        { "logit_bias out of range", Chat, $$$"""{"messages":{{{User}}},"logit_bias":{"5":500}}""", 400, "logit_bias" },
        { "logit_bias token outside vocab", Chat, $$$"""{"messages":{{{User}}},"logit_bias":{"999999":5}}""", 400, null },
        { "stop_token_ids wrong type", Chat, $$$"""{"messages":{{{User}}},"stop_token_ids":"2"}""", 400, "stop_token_ids" },
        { "min_tokens negative", Chat, $$$"""{"messages":{{{User}}},"min_tokens":-1}""", 400, "min_tokens" },
        { "seed string", Chat, $$$"""{"messages":{{{User}}},"seed":"abc"}""", 400, "seed" },
        { "completions prompt missing", Completions, """{"max_tokens":5}""", 400, "prompt" },
        { "completions prompt number", Completions, """{"prompt":5}""", 400, "prompt" },
        { "completions prompt empty list", Completions, """{"prompt":[]}""", 400, "prompt" },
        { "completions prompt mixed list", Completions, """{"prompt":["a",1]}""", 400, "prompt" },
        { "completions negative token id", Completions, """{"prompt":[1,-4]}""", 400, "prompt" },
        { "completions token id outside vocab", Completions, """{"prompt":[1,100000]}""", 400, "prompt" },
        { "completions empty token list", Completions, """{"prompt":[[]]}""", 400, "prompt" },
        { "completions second prompt too long", Completions, $$$"""{"prompt":["a","{{{string.Concat(Enumerable.Repeat("Once upon a time. ", 200))}}}"],"max_tokens":16}""", 400, "max_tokens" },
        { "completions min_tokens over max_tokens", Completions, """{"prompt":"a","max_tokens":5,"min_tokens":10}""", 400, "min_tokens" },
        { "completions echo not bool", Completions, """{"prompt":"a","echo":"yes"}""", 400, "echo" },
        { "completions logprobs 50", Completions, """{"prompt":"a","logprobs":50}""", 400, "logprobs" },
        { "completions too long prompt", Completions, $$$"""{"prompt":"{{{string.Concat(Enumerable.Repeat("Once upon a time. ", 200))}}}","max_tokens":16}""", 400, "max_tokens" },
        { "completions suffix", Completions, """{"prompt":"a","suffix":"b"}""", 400, "suffix" },
        { "detokenize missing tokens", "detokenize", """{}""", 400, "tokens" },
        { "detokenize bad token", "detokenize", """{"tokens":[-1]}""", 400, "tokens" },
        { "tokenize nothing", "tokenize", """{}""", 400, "prompt" },
        { "tokenize unknown model", "tokenize", """{"model":"x","prompt":"a"}""", 404, "model" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadRequest_GetsTheRightStatus_AndOpenAiErrorShape(string name, string path, string body, int status, string? param)
    {
        using var response = await server.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {text}");
        AssertErrorShape(text, param);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"prompt":"abc""").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await server.Http.PostAsync(Completions, content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertErrorShape(await response.Content.ReadAsStringAsync(), null);
    }

    internal static void AssertErrorShape(string text, string? param)
    {
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        var message = error.GetProperty("message").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        Assert.DoesNotContain("(Parameter '", message);   // the param field names it, not .NET's suffix
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out var p));
        Assert.True(error.TryGetProperty("code", out _));
        if (param is not null) Assert.Equal(param, p.GetString());
    }
}
