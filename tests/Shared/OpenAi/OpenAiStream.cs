using System.Net;
using System.Text.Json;

namespace Tests.Shared;

/// <summary>A streamed response as an OpenAI client reads it: its chunks in order, and the error event that ended it, if one did.</summary>
public sealed record OpenAiStreamEvents(IReadOnlyList<JsonElement> Chunks, JsonElement? Error);

/// <summary>Reads a streamed (Server-Sent Events) response and checks it against OpenAI's framing and schemas.</summary>
public static class OpenAiStream
{
    public const string DoneEvent = "data: [DONE]";

    /// <summary>
    /// Reads the whole response and checks that it is an OpenAI stream: 200, Content-Type text/event-stream, each event one
    /// <c>data: {json}</c> line, <c>data: [DONE]</c> last and nothing after it. Every chunk must be a valid
    /// <paramref name="chunkSchema"/>; an error event (<c>data: {"error": ...}</c>) a valid ErrorResponse, and the last
    /// event before [DONE].
    /// </summary>
    public static async Task<OpenAiStreamEvents> ReadAsync(HttpResponseMessage response, string chunkSchema)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.EndsWith("\n\n", StringComparison.Ordinal), $"the stream does not end with a complete event: {text}");
        var events = text[..^2].Split("\n\n");
        Assert.Equal(DoneEvent, events[^1]);

        var chunks = new List<JsonElement>();
        JsonElement? error = null;
        for (var i = 0; i < events.Length - 1; i++)
        {
            var data = events[i];
            Assert.True(data.StartsWith("data: ", StringComparison.Ordinal) && !data.Contains('\n'), $"event {i} is not one 'data: ' line: {data}");
            Assert.True(error is null, $"event {i} follows the error event: {data}");
            var json = JsonDocument.Parse(data["data: ".Length..]).RootElement.Clone();
            if (json.TryGetProperty("error", out _))
            {
                OpenAiSchema.AssertValid("ErrorResponse", json, $"error event {i}");
                error = json;
            }
            else
            {
                OpenAiSchema.AssertValid(chunkSchema, json, $"chunk {i}");
                chunks.Add(json);
            }
        }
        return new OpenAiStreamEvents(chunks, error);
    }
}
