using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>
/// What one request may ask of a replica, refused with a 400 naming the field before anything is allocated: prompts × n
/// (at most --max-num-queued-requests sequences, 1024 by default), stop strings (16, of 256 characters),
/// stop_token_ids (256). Bodies must be labelled JSON (415): a web page cannot send one without a CORS preflight.
/// And clients never see the server's filesystem (/v1/models' root is the served name).
/// </summary>
[Collection(InferenceServerCollection.Name)]
public sealed class RequestLimitsTests(InferenceServerFixture server)
{
    [Fact]
    public async Task Prompts_times_n_beyond_what_the_queue_holds_is_a_400_naming_the_prompt()
    {
        // 2000 one-token prompts × n = 128: 256,000 sequences from a 10 KB body.
        var (status, body) = await server.PostAsync("v1/completions", new
        {
            model = InferenceServerFixture.ModelName,
            prompt = Enumerable.Repeat(new[] { 1 }, 2000),
            n = 128,
            max_tokens = 1,
        });
        Assert.Equal(400, status);
        Assert.Equal("prompt", body.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("256000 sequences", body.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("stop", 17, 1)]
    [InlineData("stop", 1, 257)]
    [InlineData("stop_token_ids", 257, 0)]
    public async Task Stop_lists_over_their_caps_are_a_400_naming_the_field(string field, int count, int length)
    {
        object list = field == "stop"
            ? Enumerable.Range(0, count).Select(i => new string((char)('a' + i % 26), length)).ToArray()
            : Enumerable.Range(3, count).ToArray();
        var request = new Dictionary<string, object> { ["model"] = InferenceServerFixture.ModelName, ["prompt"] = "Once", ["max_tokens"] = 1, [field] = list };
        var (status, body) = await server.PostAsync("v1/completions", request);
        Assert.Equal(400, status);
        Assert.Equal(field, body.GetProperty("error").GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("v1/completions", "text/plain")]
    [InlineData("v1/chat/completions", "application/x-www-form-urlencoded")]
    [InlineData("tokenize", "text/plain")]
    [InlineData("v1/completions", null)]
    public async Task A_body_not_labelled_JSON_is_a_415(string path, string? contentType)
    {
        var json = """{"model":"stories260K","prompt":"Once","messages":[{"role":"user","content":"Once"}],"max_tokens":1}""";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null) content.Headers.ContentType = new(contentType);
        using var response = await server.Http.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("unsupported_media_type", error.GetProperty("code").GetString());

        // Labelled JSON (with a charset too), the same body is served.
        using var json200 = await server.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, json200.StatusCode);
    }

    [Fact]
    public async Task Models_show_the_served_name_as_root_never_a_path()
    {
        var models = await server.Http.GetFromJsonAsync<JsonElement>("v1/models");
        var model = models.GetProperty("data")[0];
        Assert.Equal(InferenceServerFixture.ModelName, model.GetProperty("root").GetString());
        Assert.DoesNotContain("/", models.GetRawText().Replace("\\/", ""));
    }
}
