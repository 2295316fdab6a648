using System.Text;
using Engine.Chat;
using InferenceService.Api;

namespace InferenceService.Responses;

/// <summary>
/// The output items of a response, built from the model's text as the chat parser reads it: reasoning becomes a reasoning
/// item, answer text a message item (one output_text part), each tool call a function_call item. For every delta it gives
/// the Responses stream events (without sequence numbers, which the stream adds): an item's output_item.added (and
/// content_part.added), its text or arguments deltas, and when the next item begins or the output ends, its done events.
/// </summary>
public sealed class ResponseOutput(ChatOutputParser parser) : ChoiceOutput
{
    private sealed class Item(string kind, string id)
    {
        public string Kind { get; } = kind;
        public string Id { get; } = id;
        public StringBuilder Text { get; } = new();
        public string? CallId { get; init; }
        public string? Name { get; init; }
        public string Status { get; set; } = "in_progress";
    }

    private readonly List<Item> _items = [];
    private Item? _open;

    /// <summary>Output tokens spent on reasoning (those of deltas that gave only reasoning).</summary>
    public int ReasoningTokens { get; private set; }

    /// <summary>Why the model stopped: "stop" or "length" (OpenAI's incomplete_details reason max_output_tokens), once finished.</summary>
    public string? FinishReason { get; private set; }

    public override IReadOnlyList<object> Add(GenerationDelta delta)
    {
        var pieces = new List<ChatDelta>(parser.Add(delta.Text));
        if (delta.FinishReason is not null) pieces.AddRange(parser.Finish());
        if (pieces.Count > 0 && pieces.All(p => p is ReasoningDelta)) ReasoningTokens += delta.Tokens.Count;
        var events = new List<object>();
        foreach (var piece in pieces) events.AddRange(Read(piece));
        if (delta.FinishReason is { } reason)
        {
            FinishReason = reason;
            if (_open is not null) events.AddRange(Close(reason == "length" ? "incomplete" : "completed"));
        }
        return events;
    }

    /// <summary>The output items of the whole response.</summary>
    public override object Complete() => _items.Select(Shape).ToList();

    private IEnumerable<Dictionary<string, object?>> Read(ChatDelta piece)
    {
        switch (piece)
        {
            case ContentDelta content:
                foreach (var e in Open("message", "msg_")) yield return e;
                _open!.Text.Append(content.Text);
                yield return Event("response.output_text.delta", _open, new() { ["content_index"] = 0, ["delta"] = content.Text, ["logprobs"] = Array.Empty<object>() });
                break;
            case ReasoningDelta reasoning:
                foreach (var e in Open("reasoning", "rs_")) yield return e;
                _open!.Text.Append(reasoning.Text);
                yield return Event("response.reasoning_text.delta", _open, new() { ["content_index"] = 0, ["delta"] = reasoning.Text });
                break;
            case ToolCallStart start:
                foreach (var e in Open("function_call", "fc_", start)) yield return e;
                break;
            case ToolCallArguments arguments:
                _open!.Text.Append(arguments.Fragment);
                yield return Event("response.function_call_arguments.delta", _open, new() { ["delta"] = arguments.Fragment });
                break;
        }
    }

    /// <summary>Opens an item of <paramref name="kind"/> unless it is the one open (a call always opens its own).</summary>
    private IEnumerable<Dictionary<string, object?>> Open(string kind, string idPrefix, ToolCallStart? call = null)
    {
        if (_open?.Kind == kind && call is null) yield break;
        if (_open is not null)
            foreach (var e in Close("completed")) yield return e;
        _open = new Item(kind, idPrefix + Guid.NewGuid().ToString("N")) { CallId = call?.Id, Name = call?.Name };
        _items.Add(_open);
        yield return new() { ["type"] = "response.output_item.added", ["output_index"] = _items.Count - 1, ["item"] = Shape(_open) };
        if (kind == "message")
            yield return Event("response.content_part.added", _open, new() { ["content_index"] = 0, ["part"] = Part(_open) });
    }

    private IEnumerable<Dictionary<string, object?>> Close(string status)
    {
        var item = _open!;
        _open = null;
        item.Status = status;
        switch (item.Kind)
        {
            case "message":
                yield return Event("response.output_text.done", item, new() { ["content_index"] = 0, ["text"] = item.Text.ToString(), ["logprobs"] = Array.Empty<object>() });
                yield return Event("response.content_part.done", item, new() { ["content_index"] = 0, ["part"] = Part(item) });
                break;
            case "reasoning":
                yield return Event("response.reasoning_text.done", item, new() { ["content_index"] = 0, ["text"] = item.Text.ToString() });
                break;
            default:
                yield return Event("response.function_call_arguments.done", item, new() { ["name"] = item.Name, ["arguments"] = item.Text.ToString() });
                break;
        }
        yield return new() { ["type"] = "response.output_item.done", ["output_index"] = _items.IndexOf(item), ["item"] = Shape(item) };
    }

    private Dictionary<string, object?> Event(string type, Item item, Dictionary<string, object?> fields)
    {
        var result = new Dictionary<string, object?> { ["type"] = type, ["item_id"] = item.Id, ["output_index"] = _items.IndexOf(item) };
        foreach (var (key, value) in fields) result[key] = value;
        return result;
    }

    private static object Part(Item item) =>
        new Dictionary<string, object?> { ["type"] = "output_text", ["text"] = item.Text.ToString(), ["annotations"] = Array.Empty<object>(), ["logprobs"] = Array.Empty<object>() };

    /// <summary>An item as OpenAI shapes it: while in progress, with what it holds so far.</summary>
    private static Dictionary<string, object?> Shape(Item item) => item.Kind switch
    {
        "message" => new()
        {
            ["id"] = item.Id, ["type"] = "message", ["status"] = item.Status, ["role"] = "assistant",
            ["content"] = item.Status == "in_progress" ? Array.Empty<object>() : new[] { Part(item) },
        },
        "reasoning" => new()
        {
            ["id"] = item.Id, ["type"] = "reasoning", ["status"] = item.Status, ["summary"] = Array.Empty<object>(),
            ["content"] = item.Status == "in_progress" ? Array.Empty<object>() : new[] { new Dictionary<string, object?> { ["type"] = "reasoning_text", ["text"] = item.Text.ToString() } },
        },
        _ => new()
        {
            ["id"] = item.Id, ["type"] = "function_call", ["status"] = item.Status, ["call_id"] = item.CallId, ["name"] = item.Name,
            ["arguments"] = item.Status == "in_progress" ? "" : item.Text.ToString(),
        },
    };
}
