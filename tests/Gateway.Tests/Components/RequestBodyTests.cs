using System.Text;
using System.Text.Json;
using Gateway.Limits;
using Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Components;

public sealed class RequestBodyTests
{
    private static RequestBody? Parse(string json) => RequestBody.Parse(Encoding.UTF8.GetBytes(json)).Body;

    [Fact]
    public void Reads_model_stream_and_include_usage_from_the_top_level_only()
    {
        using var body = Parse("""
            {"messages":[{"role":"user","content":"x","model":"nested"}],"model":"m1","stream":true,
             "stream_options":{"continuous_usage_stats":false,"include_usage":true},"tools":{"model":"deep"}}
            """)!;
        Assert.Equal(("m1", true, true), (body.Model, body.Stream, body.IncludeUsage));
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "m", false, false)]
    [InlineData("""{"model":7,"stream":"yes"}""", null, false, false)]
    [InlineData("""{"stream":true,"stream_options":null}""", null, true, false)]
    [InlineData("""{"stream":{"a":[1,{"model":"x"}]},"model":"after"}""", "after", false, false)]
    public void Odd_but_valid_bodies(string json, string? model, bool stream, bool includeUsage)
    {
        using var body = Parse(json)!;
        Assert.Equal((model, stream, includeUsage), (body.Model, body.Stream, body.IncludeUsage));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"model\"")]
    [InlineData("{\"model\":\"m\"")]
    [InlineData("{\"model\":\"m\"} {}")]
    [InlineData("{model:1}")]
    [InlineData("{\"model\":\"m\",\"model\":\"n\"}")]
    [InlineData("{\"model\":\"m\" /* c */}")]
    [InlineData("{\"model\":\"m\",}")]
    public void Bodies_that_are_not_one_plain_JSON_object_are_rejected(string json) => Assert.Null(Parse(json));

    [Fact]
    public void Include_usage_is_added_without_touching_the_rest()
    {
        var rewritten = Forwarded("""{"model":"m","stream":true,"stream_options":{"other":1},"temperature":0.25,"n":2}""", b => b.AddIncludeUsage());
        Assert.True(rewritten.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(1, rewritten.GetProperty("stream_options").GetProperty("other").GetInt32());
        Assert.Equal(0.25, rewritten.GetProperty("temperature").GetDouble());
        Assert.Equal("m", rewritten.GetProperty("model").GetString());

        var added = Forwarded("""{"stream":true}""", b => b.AddIncludeUsage());
        Assert.True(added.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Theory]
    [InlineData("""{"prompt":"word word","max_tokens":50}""", "/v1/completions", 3 + 50)]
    [InlineData("""{"prompt":["word word","abcdefgh"],"max_tokens":10,"n":3}""", "/v1/completions", 3 + 2 + 10 * 3 * 2)]
    [InlineData("""{"prompt":[[1,2,3],[4]],"n":2}""", "/v1/completions", 4 + 16 * 2 * 2)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"word word"}]}""", "/v1/chat/completions", 3 + 2048)]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"text","text":"abcd"}]}],"max_completion_tokens":5}""", "/v1/chat/completions", 1 + 5)]
    [InlineData("""{"input":["abcd","abcdefgh"]}""", "/v1/embeddings", 3)]
    [InlineData("""{"prompt":"word word","max_tokens":50}""", "/tokenize", 0)]
    public void The_estimate_is_the_prompt_and_the_most_that_may_be_generated(string json, string path, long expected) =>
        Assert.Equal(expected, TokenEstimate.Of(JsonDocument.Parse(json).RootElement, new PathString(path), model => model == "m" ? 2048 : null));

    [Theory]
    [InlineData(null, """{"priority":-100}""", null)]
    [InlineData(10, """{"priority":-100}""", 10L)]
    [InlineData(10, """{"priority":20}""", 20L)]
    [InlineData(10, "{}", 10L)]
    public void Priority_is_removed_or_kept_at_or_after_the_keys_floor(int? floor, string json, long? expected)
    {
        var forwarded = Forwarded(json, b => Assert.True(RequestPriority.Apply(b, floor)));
        Assert.Equal(expected, forwarded.TryGetProperty("priority", out var p) ? p.GetInt64() : null);
    }

    private static JsonElement Forwarded(string json, Action<RequestBody> change)
    {
        using var body = Parse(json)!;
        change(body);
        var request = new DefaultHttpContext().Request;
        body.Forward(request);
        return JsonDocument.Parse(request.Body).RootElement.Clone();
    }
}
