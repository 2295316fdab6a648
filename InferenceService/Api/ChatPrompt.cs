using System.Text.Json;
using ChatTemplates;

namespace InferenceService.Api;

/// <summary>
/// What the chat template renders: the normalised messages, the tools (null when the request has none, as Hugging
/// Face passes them), chat_template_kwargs (vLLM's extra template variables, e.g. Qwen3's enable_thinking) and
/// whether to open the assistant's turn.
/// </summary>
public sealed record ChatPrompt(JsonElement Messages, JsonElement? Tools, IReadOnlyDictionary<string, object?> TemplateArguments, bool AddGenerationPrompt)
{
    /// <summary>Variables the request sets through their own fields, not through chat_template_kwargs.</summary>
    private static readonly string[] OwnFields = ["messages", "tools", "documents", "add_generation_prompt", "bos_token", "eos_token"];

    public static IReadOnlyDictionary<string, object?> ReadTemplateArguments(JsonRequest body)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (body.Object("chat_template_kwargs") is not { } kwargs) return arguments;
        foreach (var property in kwargs.EnumerateObject())
        {
            if (OwnFields.Contains(property.Name))
                throw ApiException.BadRequest($"'chat_template_kwargs.{property.Name}' cannot be set there; it is a variable the server sets itself.",
                    $"chat_template_kwargs.{property.Name}");
            arguments[property.Name] = property.Value;
        }
        return arguments;
    }

    /// <summary>The prompt text; throws <see cref="TemplateException"/> when the template refuses the conversation.</summary>
    public string Render(string template, string? bosToken, string? eosToken)
    {
        var variables = new Dictionary<string, object?>(TemplateArguments) { ["tools"] = Tools };
        return ChatTemplateRenderer.Render(template, Messages, bosToken, eosToken, AddGenerationPrompt, variables);
    }
}
