using System.Collections.Concurrent;
using System.Text.Json;

namespace ChatTemplates;

/// <summary>
/// The entry point for the HTTP server: renders an OpenAI-style message list with a model's chat
/// template the way transformers' apply_chat_template does.
/// </summary>
public static class ChatTemplateRenderer
{
    private const int CacheLimit = 64;
    private static readonly ConcurrentDictionary<string, ChatTemplate> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders <paramref name="messages"/> (a JSON array of {role, content, ...}; content may be a
    /// string, null or a list of parts; other fields pass through). Like Hugging Face, <c>tools</c> and
    /// <c>documents</c> are defined as none unless <paramref name="extra"/> sets them; a null
    /// bos/eos token leaves that variable undefined. <paramref name="extra"/> adds or overrides
    /// variables (values may be JsonElement or plain .NET values).
    /// </summary>
    public static string Render(
        string template,
        JsonElement messages,
        string? bosToken,
        string? eosToken,
        bool addGenerationPrompt,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        if (bosToken is not null) variables["bos_token"] = bosToken;
        if (eosToken is not null) variables["eos_token"] = eosToken;
        if (extra is not null)
            foreach (var (key, value) in extra) variables[key] = value;
        return GetOrParse(template).Render(variables);
    }

    private static ChatTemplate GetOrParse(string template)
    {
        if (Cache.TryGetValue(template, out var parsed)) return parsed;
        parsed = ChatTemplate.Parse(template);
        if (Cache.Count >= CacheLimit) Cache.Clear();
        Cache[template] = parsed;
        return parsed;
    }
}
