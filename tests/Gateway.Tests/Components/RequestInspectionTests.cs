using System.Text;
using System.Text.Json;
using Gateway.Routing;

namespace Gateway.Tests.Components;

public sealed class RequestInspectionTests
{
    private static RequestInspection? Parse(string json) => RequestInspection.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Reads_model_stream_and_include_usage_from_the_top_level_only()
    {
        var inspection = Parse("""
            {"messages":[{"role":"user","content":"x","model":"nested"}],"model":"m1","stream":true,
             "stream_options":{"continuous_usage_stats":false,"include_usage":true},"tools":{"model":"deep"}}
            """);
        Assert.Equal(new RequestInspection("m1", Stream: true, IncludeUsage: true), inspection);
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "m", false, false)]
    [InlineData("""{"model":7,"stream":"yes"}""", null, false, false)]
    [InlineData("""{"stream":true,"stream_options":null}""", null, true, false)]
    [InlineData("""{"stream":{"a":[1,{"model":"x"}]},"model":"after"}""", "after", false, false)]
    public void Odd_but_valid_bodies(string json, string? model, bool stream, bool includeUsage) =>
        Assert.Equal(new RequestInspection(model, stream, includeUsage), Parse(json));

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"model\"")]
    [InlineData("{\"model\":\"m\"")]
    [InlineData("{\"model\":\"m\"} {}")]
    [InlineData("{model:1}")]
    public void Bodies_that_are_not_one_JSON_object_are_rejected(string json) => Assert.Null(Parse(json));

    [Fact]
    public void Include_usage_is_added_without_touching_the_rest()
    {
        var original = """{"model":"m","stream":true,"stream_options":{"other":1},"temperature":0.25,"n":2}""";
        var rewritten = JsonDocument.Parse(RequestInspection.WithIncludeUsage(Encoding.UTF8.GetBytes(original))).RootElement;
        Assert.True(rewritten.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(1, rewritten.GetProperty("stream_options").GetProperty("other").GetInt32());
        Assert.Equal(0.25, rewritten.GetProperty("temperature").GetDouble());
        Assert.Equal("m", rewritten.GetProperty("model").GetString());

        var added = JsonDocument.Parse(RequestInspection.WithIncludeUsage("""{"stream":true}"""u8.ToArray())).RootElement;
        Assert.True(added.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }
}
