namespace Tests.Shared;

/// <summary>
/// A short chat template for serving stories260K (512-token context) as a tool-calling model: it renders the tools'
/// names, the assistant's calls from their parsed arguments (city read as an object's member, so it only shows when the
/// server parsed the arguments string) and the tools' results.
/// </summary>
public static class ToolChatTemplate
{
    public const string Text =
        "{{ bos_token }}{% if tools %}Tools:{% for t in tools %} {{ t.function.name }}{% endfor %}. {% endif %}" +
        "{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% elif m.role == 'assistant' %}{% for c in m.tool_calls or [] %}" +
        "<tool_call>{{ c.function.name }}({{ c.function.arguments.city }})</tool_call>{% endfor %}{{ m.content }}" +
        "{% elif m.role == 'tool' %} Result of {{ m.tool_call_id }}: {{ m.content }}.{% endif %}{% endfor %}";

    /// <summary>The server flags of a tool-calling replica over it: the template, then vLLM's hermes parser under "auto".</summary>
    public static string[] ServerFlags(string templateFile) =>
        ["--chat-template", templateFile, "--enable-auto-tool-choice", "--tool-call-parser", "hermes"];
}
