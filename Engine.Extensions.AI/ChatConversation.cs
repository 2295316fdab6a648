using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Engine.Extensions.AI;

/// <summary>
/// Microsoft.Extensions.AI messages as the chat messages a chat template reads (OpenAI's shape): text, an assistant's
/// FunctionCallContent as its tool_calls (arguments as an object, as Hugging Face templates read them), FunctionResultContent as tool messages, TextReasoningContent as the assistant
/// turn's reasoning_content; ChatOptions.Instructions first, as a system message. Any other content is refused.
/// </summary>
internal static class ChatConversation
{
    public static JsonArray Messages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var result = new JsonArray();
        if (instructions is not null) result.Add(Message("system", instructions));
        foreach (var message in messages)
        {
            string role = message.Role.Value;
            var text = new List<string>();
            string? reasoning = null;
            var calls = new JsonArray();
            var results = new List<JsonObject>();
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t:
                        text.Add(t.Text);
                        break;
                    case TextReasoningContent r:
                        reasoning = (reasoning ?? "") + r.Text;
                        break;
                    case FunctionCallContent call:
                        calls.Add(new JsonObject
                        {
                            ["id"] = call.CallId, ["type"] = "function",
                            ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions) },
                        });
                        break;
                    case FunctionResultContent output:
                        results.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = output.CallId, ["content"] = ResultText(output) });
                        break;
                    case UsageContent:
                        break;   // what an earlier response cost: nothing to show the model
                    default:
                        throw new NotSupportedException($"{content.GetType().Name} in a {role} message is not supported: this client reads text, reasoning, function calls and function results.");
                }
            }
            if (text.Count > 0 || calls.Count > 0 || reasoning is not null || results.Count == 0)
            {
                var turn = Message(role, string.Join("\n", text));
                if (reasoning is not null) turn["reasoning_content"] = reasoning;
                if (calls.Count > 0) turn["tool_calls"] = calls;
                result.Add(turn);
            }
            foreach (var output in results) result.Add(output);
        }
        return result;
    }

    /// <summary>The conversation for a model without a chat template: its messages' text, joined by newlines.</summary>
    public static string PlainText(JsonArray messages) =>
        string.Join("\n", messages.Select(m => m!["content"]!.GetValue<string>()).Where(t => t.Length > 0));

    private static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };

    private static string ResultText(FunctionResultContent output) => output.Result switch
    {
        null => output.Exception?.Message ?? "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        var value => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions),
    };
}
