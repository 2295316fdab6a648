using System.Text.Json;

namespace Engine.Chat.Tools;

/// <summary>
/// A chat's tools and how the model may call them: <see cref="Definitions"/> in OpenAI's chat shape (type "function"
/// with name, description, parameters) as the chat template reads them (null when there are none, as Hugging Face
/// passes them), their names, the tool_choice and whether several calls may come at once.
/// </summary>
public sealed record ChatTools(JsonElement? Definitions, IReadOnlySet<string> Names, ToolChoice Choice, bool ParallelCalls)
{
    /// <summary>No tools: the model's text is all answer.</summary>
    public static ChatTools None { get; } = new(null, new HashSet<string>(), ToolChoice.None, ParallelCalls: true);

    /// <summary>Where a tool's parameters are in the request, after tools[i] (the Responses API's tools are flat): the
    /// name a schema that cannot constrain a forced call is refused under.</summary>
    public string ParametersField { get; init; } = "function.parameters";
}
