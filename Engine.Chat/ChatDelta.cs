namespace Engine.Chat;

/// <summary>A piece of an assistant message as it is parsed out of the model's text, in the order to send it.</summary>
public abstract record ChatDelta;

/// <summary>Text of the answer (message.content).</summary>
public sealed record ContentDelta(string Text) : ChatDelta;

/// <summary>Text of the model's thinking (message.reasoning_content).</summary>
public sealed record ReasoningDelta(string Text) : ChatDelta;

/// <summary>A tool call begins: its index in message.tool_calls, id and function name.</summary>
public sealed record ToolCallStart(int Index, string Id, string Name) : ChatDelta;

/// <summary>The next fragment of a tool call's arguments (a JSON string once all fragments are joined).</summary>
public sealed record ToolCallArguments(int Index, string Fragment) : ChatDelta;
