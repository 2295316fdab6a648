using System.Text;
using System.Text.Json;
using Engine.Chat;
using Engine.Chat.Reasoning;
using Engine.Chat.Tools;
using InferenceService.Api;
using InferenceService.Responses;

namespace InferenceService.Tests.Parsing;

/// <summary>
/// The Responses output built from model text a test controls (stories260K never writes a call): reasoning, answer and
/// hermes tool calls become reasoning, message and function_call items; every streamed event is one of OpenAI's
/// ResponseStreamEvent and every item an OutputItem (openapi.json, checked with JsonSchema.Net); the items rebuilt from
/// the events, as the SDKs' accumulators do, equal the whole response's items, however the text was cut.
/// </summary>
public sealed class ResponseOutputTests
{
    private const string Text = "<think>Paris, so call the tool.</think>Let me check.\n<tool_call>\n{\"name\": \"get_current_weather\", " +
                                "\"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_current_temperature\", \"arguments\": {}}\n</tool_call>";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void ReasoningAnswerAndCalls_BecomeItems_WhoseEventsFollowOpenAisSchema(int pieceLength)
    {
        var (events, items) = Run(Text, pieceLength, "stop");

        Assert.Equal(["reasoning", "message", "function_call", "function_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("Paris, so call the tool.", items[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("Let me check.", items[1].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("get_current_weather", items[2].GetProperty("name").GetString());
        Assert.Equal("""{"city": "Paris"}""", items[2].GetProperty("arguments").GetString());
        Assert.Equal("{}", items[3].GetProperty("arguments").GetString());
        Assert.NotEqual(items[2].GetProperty("call_id").GetString(), items[3].GetProperty("call_id").GetString());
        Assert.All(items, item => Assert.Equal("completed", item.GetProperty("status").GetString()));
        foreach (var item in items) OpenAiSchema.AssertValid("OutputItem", item);
        foreach (var e in events) OpenAiSchema.AssertValid("ResponseStreamEvent", e);

        // What a client rebuilds from the events equals the whole response.
        var rebuilt = new Dictionary<int, (StringBuilder Text, JsonElement Done)>();
        foreach (var e in events)
        {
            int index = e.GetProperty("output_index").GetInt32();
            switch (e.GetProperty("type").GetString())
            {
                case "response.output_item.added":
                    rebuilt[index] = (new StringBuilder(), default);
                    break;
                case "response.output_text.delta" or "response.reasoning_text.delta" or "response.function_call_arguments.delta":
                    rebuilt[index].Text.Append(e.GetProperty("delta").GetString());
                    break;
                case "response.output_item.done":
                    rebuilt[index] = (rebuilt[index].Text, e.GetProperty("item"));
                    break;
            }
        }
        Assert.Equal(items.Count, rebuilt.Count);
        for (int i = 0; i < items.Count; i++)
        {
            Assert.Equal(items[i].GetRawText(), rebuilt[i].Done.GetRawText());
            string whole = items[i].GetProperty("type").GetString() == "function_call"
                ? items[i].GetProperty("arguments").GetString()!
                : items[i].GetProperty("content")[0].GetProperty("text").GetString()!;
            Assert.Equal(whole, rebuilt[i].Text.ToString());
        }
    }

    [Fact]
    public void TextCutByMaxOutputTokens_LeavesItsMessageIncomplete()
    {
        var (events, items) = Run("Once upon a time", 4, "length");
        var message = Assert.Single(items);
        Assert.Equal("incomplete", message.GetProperty("status").GetString());
        Assert.Equal("Once upon a time", message.GetProperty("content")[0].GetProperty("text").GetString());
        foreach (var e in events) OpenAiSchema.AssertValid("ResponseStreamEvent", e);
        Assert.Equal(["response.output_item.added", "response.content_part.added"], events.Take(2).Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done"],
            events.TakeLast(3).Select(e => e.GetProperty("type").GetString()));
    }

    /// <summary>The text in pieces of <paramref name="pieceLength"/> characters through a ResponseOutput (qwen3 reasoning,
    /// hermes calls), the last piece finishing with <paramref name="finishReason"/>: its events and its items, as JSON.</summary>
    private static (List<JsonElement> Events, List<JsonElement> Items) Run(string text, int pieceLength, string finishReason)
    {
        var parser = new ChatOutputParser(ReasoningParser.ByName("qwen3").NewStream(""),
            new ToolCallStream(ToolCallSyntax.ByName("hermes"), ParsedMessage.WeatherTools, parallelCalls: true));
        var output = new ResponseOutput(parser);
        var events = new List<JsonElement>();
        for (int at = 0; at < text.Length; at += pieceLength)
        {
            bool last = at + pieceLength >= text.Length;
            foreach (var e in output.Add(new GenerationDelta(text.Substring(at, Math.Min(pieceLength, text.Length - at)), [], last ? finishReason : null)))
                events.Add(JsonSerializer.SerializeToElement(e, ServerSentEvents.Json));
        }
        var items = JsonSerializer.SerializeToElement(output.Complete(), ServerSentEvents.Json).EnumerateArray().ToList();
        // sequence_number is the stream's; the schema requires it.
        events = events.Select((e, i) =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(e.GetRawText())!.AsObject();
            node["sequence_number"] = i;
            return JsonSerializer.SerializeToElement(node);
        }).ToList();
        return (events, items);
    }
}
