using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Engine.Chat;
using Engine.Chat.Tools;
using InferenceService.Api;
using OpenAI.Chat;

namespace InferenceService.Tests.Parsing;

/// <summary>
/// The chunks and the message the server builds from parsed tool calls, read by the OpenAI .NET SDK's own models:
/// each streamed tool-call delta (index; id, type and name first; arguments in fragments) accumulates, the way the SDKs
/// rebuild streamed calls, into the same calls as the non-streamed message, whose finish reason is tool_calls.
/// </summary>
public sealed class OpenAiSdkShapeTests
{
    [Fact]
    public void StreamedToolCallDeltas_RebuildInTheSdk_IntoTheCallsOfTheWholeMessage()
    {
        var parser = new ChatOutputParser(null, new ToolCallStream(ToolCallSyntax.ByName("hermes"), ParsedMessage.WeatherTools, parallelCalls: true));
        var message = new AssistantMessage(splitsReasoning: false);
        var chunks = new List<string>();
        var text = "Checking. " + ToolCallParserTests.QwenParallel;
        // Token-sized pieces: the arguments then come in many fragments.
        for (int i = 0; i < text.Length; i += 3)
            foreach (var delta in parser.Add(text.Substring(i, Math.Min(3, text.Length - i)))) chunks.Add(Chunk(message.Add(delta)));
        foreach (var delta in parser.Finish()) chunks.Add(Chunk(message.Add(delta)));

        var content = new StringBuilder();
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        foreach (var chunk in chunks)
        {
            var update = ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(chunk))!;
            foreach (var part in update.ContentUpdate) content.Append(part.Text);
            foreach (var call in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(call.Index, out var built)) calls[call.Index] = built = (null, null, new StringBuilder());
                calls[call.Index] = (built.Id ?? call.ToolCallId, built.Name ?? call.FunctionName, built.Arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }
        }
        Assert.True(chunks.Count(c => c.Contains("\"arguments\":", StringComparison.Ordinal)) > 10, "arguments should arrive in fragments");

        var whole = ModelReaderWriter.Read<ChatCompletion>(BinaryData.FromString(JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1", @object = "chat.completion", created = 0, model = "m",
            choices = new[] { new { index = 0, message = message.Message(), logprobs = (object?)null, finish_reason = "tool_calls" } },
            usage = new { prompt_tokens = 1, completion_tokens = 1, total_tokens = 2 },
        }, ServerSentEvents.Json)))!;
        Assert.Equal(ChatFinishReason.ToolCalls, whole.FinishReason);
        Assert.Equal("Checking.", content.ToString());
        Assert.Equal("Checking.", whole.Content.Single().Text);
        Assert.Equal(
            [("get_current_temperature", "{\"location\": \"San Francisco, CA, USA\"}"), ("get_temperature_date", "{\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}")],
            whole.ToolCalls.Select(c => (c.FunctionName, c.FunctionArguments.ToString())));
        Assert.Equal(whole.ToolCalls.Select(c => (c.Id, c.FunctionName, c.FunctionArguments.ToString())), calls.Values.Select(c => (c.Id!, c.Name!, c.Arguments.ToString())));
        Assert.All(whole.ToolCalls, c => Assert.StartsWith("call_", c.Id));
    }

    private static string Chunk(object delta) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1", @object = "chat.completion.chunk", created = 0, model = "m",
        choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = (string?)null } },
    }, ServerSentEvents.Json);
}
