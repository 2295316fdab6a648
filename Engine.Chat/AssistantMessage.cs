using System.Text;

namespace Engine.Chat;

/// <summary>
/// One choice's assistant message as it grows from parsed pieces: each piece becomes the delta OpenAI streams for it
/// (content, reasoning_content, or a tool_calls entry: index, id, type and name first, then arguments in fragments),
/// and all of them together the message of the whole response.
/// </summary>
public sealed class AssistantMessage(bool splitsReasoning)
{
    private readonly StringBuilder _content = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<(string Id, string Name, StringBuilder Arguments)> _calls = [];

    public bool HasToolCalls => _calls.Count > 0;

    /// <summary>Adds a parsed piece and returns its streamed delta.</summary>
    public object Add(ChatDelta item)
    {
        switch (item)
        {
            case ContentDelta content:
                _content.Append(content.Text);
                return new { content = content.Text };
            case ReasoningDelta reasoning:
                _reasoning.Append(reasoning.Text);
                return new { reasoning_content = reasoning.Text };
            case ToolCallStart start:
                _calls.Add((start.Id, start.Name, new StringBuilder()));
                return new { tool_calls = new[] { new { index = start.Index, id = start.Id, type = "function", function = new { name = start.Name, arguments = "" } } } };
            case ToolCallArguments arguments:
                _calls[arguments.Index].Arguments.Append(arguments.Fragment);
                return new { tool_calls = new[] { new { index = arguments.Index, function = new { arguments = arguments.Fragment } } } };
            default:
                throw new InvalidOperationException($"Unknown chat delta {item}.");
        }
    }

    /// <summary>The message of the whole response: reasoning_content when a reasoning parser runs, tool_calls when there are any.</summary>
    public Dictionary<string, object?> Message()
    {
        var message = new Dictionary<string, object?>
        {
            ["role"] = "assistant",
            // OpenAI: no text beside tool calls (or reasoning) is null, not "".
            ["content"] = _content.Length == 0 && (_calls.Count > 0 || _reasoning.Length > 0) ? null : _content.ToString(),
            ["refusal"] = null,   // OpenAI's message always has one; this server never refuses
        };
        if (splitsReasoning) message["reasoning_content"] = _reasoning.Length == 0 ? null : _reasoning.ToString();
        if (_calls.Count > 0)
            message["tool_calls"] = _calls.Select(c => new { id = c.Id, type = "function", function = new { name = c.Name, arguments = c.Arguments.ToString() } }).ToList();
        return message;
    }
}
