namespace Engine.Chat.Tools;

/// <summary>OpenAI's tool_choice: "none", "auto", "required", or one function by name.</summary>
public enum ToolChoiceMode
{
    None,
    Auto,
    Required,
    Named,
}

/// <summary>A request's tool_choice; <see cref="FunctionName"/> is set for <see cref="ToolChoiceMode.Named"/>.</summary>
public sealed record ToolChoice(ToolChoiceMode Mode, string? FunctionName = null)
{
    public static ToolChoice None { get; } = new(ToolChoiceMode.None);
    public static ToolChoice Auto { get; } = new(ToolChoiceMode.Auto);
    public static ToolChoice Required { get; } = new(ToolChoiceMode.Required);
}
