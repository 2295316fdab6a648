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
    private const string Embeddings = "v1/embeddings";
    private const string User = """[{"role":"user","content":"hi"}]""";
    private const string Tool = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""";

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
        // Nothing silently ignored: an unknown field (even null), or one of OpenAI's this server does not honour.
        { "completions unknown field", Completions, """{"prompt":"a","temprature":0.5}""", 400, "temprature" },
        { "chat unknown field", Chat, $$$"""{"messages":{{{User}}},"gudied_json":{"type":"object"}}""", 400, "gudied_json" },
        { "chat unknown field null", Chat, $$$"""{"messages":{{{User}}},"foo":null}""", 400, "foo" },
        { "chat store (not honoured)", Chat, $$$"""{"messages":{{{User}}},"store":true}""", 400, "store" },
        { "chat service_tier (not honoured)", Chat, $$$"""{"messages":{{{User}}},"service_tier":"flex"}""", 400, "service_tier" },
        // Tool calling (this server runs without --enable-auto-tool-choice).
        { "tools not a list", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{"type":"function"}}""", 400, "tools" },
        { "tool not an object", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[5]}""", 400, "tools[0]" },
        { "tool of another type", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"retrieval","function":{"name":"f"}}]}""", 400, "tools[0].type" },
        { "tool without function", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function"}]}""", 400, "tools[0].function" },
        { "tool missing name", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"parameters":{}}}]}""", 400, "tools[0].function.name" },
        { "tool name with spaces", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"get weather"}}]}""", 400, "tools[0].function.name" },
        { "tool name of 65 characters", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"{{{{new string('a', 65)}}}}"}}]}""", 400, "tools[0].function.name" },
        { "tool defined twice", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]}""", 400, "tools[1].function.name" },
        { "tool schema not an object", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f","parameters":"object"}}]}""", 400, "tools[0].function.parameters" },
        { "tool description not a string", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f","description":7}}]}""", 400, "tools[0].function.description" },
        { "tool strict not a boolean", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f","strict":"yes"}}]}""", 400, "tools[0].function.strict" },
        { "tool strict true under auto (calls not constrained)", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f","strict":true}}],"tool_choice":"auto"}""", 400, "tools[0].function.strict" },
        { "tool unknown field", Chat, $$$$"""{"messages":{{{{User}}}},"tools":[{"type":"function","function":{"name":"f","returns":{}}}]}""", 400, "tools[0].function.returns" },
        { "tool_choice unknown string", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":"always"}""", 400, "tool_choice" },
        { "tool_choice a number", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":5}""", 400, "tool_choice" },
        { "tool_choice naming an unknown tool", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":{"type":"function","function":{"name":"launch"}}}""", 400, "tool_choice.function.name" },
        { "tool_choice object of another type", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":{"type":"code","function":{"name":"get_weather"}}}""", 400, "tool_choice.type" },
        { "tool_choice without tools", Chat, $$$$"""{"messages":{{{{User}}}},"tool_choice":"required"}""", 400, "tool_choice" },
        { "tool_choice required, a tool's parameters with an unsupported keyword", Chat, """{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"g","parameters":{"type":"object","properties":{"n":{"type":"integer","multipleOf":3}}}}}],"tool_choice":"required"}""", 400, "tools[1].function.parameters" },
        { "tool_choice named, its parameters with an unsupported keyword", Chat, """{"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","patternProperties":{"^a":{"type":"string"}}}}}],"tool_choice":{"type":"function","function":{"name":"f"}}}""", 400, "tools[0].function.parameters" },
        { "tool_choice required and response_format both constrain", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":"required","response_format":{"type":"json_object"}}""", 400, "response_format" },
        { "tool_choice named and guided_regex both constrain", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}},"tool_choice":{"type":"function","function":{"name":"get_weather"}},"guided_regex":"a+"}""", 400, "guided_regex" },
        { "tool_choice auto without --enable-auto-tool-choice", Chat, $$$$"""{"messages":{{{{User}}}},"tools":{{{{Tool}}}}}""", 400, "tool_choice" },
        { "parallel_tool_calls not a boolean", Chat, $$$$"""{"messages":{{{{User}}}},"parallel_tool_calls":"no"}""", 400, "parallel_tool_calls" },
        { "legacy functions", Chat, $$$$"""{"messages":{{{{User}}}},"functions":[{"name":"f"}]}""", 400, "functions" },
        { "legacy function_call", Chat, $$$$"""{"messages":{{{{User}}}},"function_call":"auto"}""", 400, "function_call" },
        { "assistant tool_calls not a list", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":{}}]}""", 400, "messages[1].tool_calls" },
        { "tool call without id", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f","arguments":"{}"}}]}]}""", 400, "messages[1].tool_calls[0].id" },
        { "tool call without name", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}]}""", 400, "messages[1].tool_calls[0].function.name" },
        { "tool call arguments an object", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{}}}]}]}""", 400, "messages[1].tool_calls[0].function.arguments" },
        { "tool call arguments not JSON", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{city: Paris"}}]}]}""", 400, "messages[1].tool_calls[0].function.arguments" },
        { "tool_calls in a user message", Chat, """{"messages":[{"role":"user","content":"hi","tool_calls":[]}]}""", 400, "messages[0].tool_calls" },
        { "tool message without tool_call_id", Chat, """{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"22 C"}]}""", 400, "messages[1].tool_call_id" },
        { "chat_template_kwargs not an object", Chat, $$$$"""{"messages":{{{{User}}}},"chat_template_kwargs":"x"}""", 400, "chat_template_kwargs" },
        { "chat_template_kwargs setting messages", Chat, $$$$"""{"messages":{{{{User}}}},"chat_template_kwargs":{"messages":[]}}""", 400, "chat_template_kwargs.messages" },
        // Embeddings.
        { "embeddings input missing", Embeddings, """{"model":"stories260K"}""", 400, "input" },
        { "embeddings input a number", Embeddings, """{"input":5}""", 400, "input" },
        { "embeddings input an object", Embeddings, """{"input":{"text":"a"}}""", 400, "input" },
        { "embeddings input empty string", Embeddings, """{"input":""}""", 400, "input" },
        { "embeddings input empty list", Embeddings, """{"input":[]}""", 400, "input" },
        { "embeddings input mixed list", Embeddings, """{"input":["a",1]}""", 400, "input" },
        { "embeddings empty token list", Embeddings, """{"input":[[]]}""", 400, "input" },
        { "embeddings token id outside vocab", Embeddings, """{"input":[1,100000]}""", 400, "input" },
        { "embeddings negative token id", Embeddings, """{"input":[[1,-2]]}""", 400, "input" },
        { "embeddings token id a float", Embeddings, """{"input":[1,2.5]}""", 400, "input" },
        { "embeddings input too long", Embeddings, $$$$"""{"input":"{{{{string.Concat(Enumerable.Repeat("Once upon a time. ", 200))}}}}"}""", 400, "input" },
        { "embeddings too many inputs", Embeddings, $$$$"""{"input":[{{{{string.Join(",", Enumerable.Repeat("\"a\"", 2049))}}}}]}""", 400, "input" },
        { "embeddings dimensions 0", Embeddings, """{"input":"a","dimensions":0}""", 400, "dimensions" },
        { "embeddings dimensions above hidden size", Embeddings, """{"input":"a","dimensions":65}""", 400, "dimensions" },
        { "embeddings dimensions a float", Embeddings, """{"input":"a","dimensions":8.5}""", 400, "dimensions" },
        { "embeddings encoding_format unknown", Embeddings, """{"input":"a","encoding_format":"int8"}""", 400, "encoding_format" },
        { "embeddings encoding_format a number", Embeddings, """{"input":"a","encoding_format":1}""", 400, "encoding_format" },
        { "embeddings unknown model", Embeddings, """{"model":"text-embedding-3-small","input":"a"}""", 404, "model" },
        { "embeddings body not an object", Embeddings, """["a"]""", 400, null },
        { "embeddings unknown field", Embeddings, """{"input":"a","truncate_prompt_tokens":3}""", 400, "truncate_prompt_tokens" },
        { "unknown path", "v1/embedding", """{"input":"a"}""", 404, null },
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
        OpenAiSchema.AssertValid("ErrorResponse", json.RootElement);
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
