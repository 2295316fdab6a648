namespace InferenceService.Tests.Api;

/// <summary>
/// A real InferenceService serving stories260K the way a tool-calling model is served: --enable-auto-tool-choice
/// --tool-call-parser hermes --reasoning-parser qwen3, with a short chat template (the model's context is 512 tokens)
/// that renders the tools' names, the assistant's calls from their parsed arguments (city is read as an object's
/// member) and the tool results.
/// </summary>
public sealed class ToolServerFixture : IAsyncLifetime
{
    public const string ChatTemplate =
        "{{ bos_token }}{% if tools %}Tools:{% for t in tools %} {{ t.function.name }}{% endfor %}. {% endif %}" +
        "{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% elif m.role == 'assistant' %}{% for c in m.tool_calls or [] %}" +
        "<tool_call>{{ c.function.name }}({{ c.function.arguments.city }})</tool_call>{% endfor %}{{ m.content }}" +
        "{% elif m.role == 'tool' %} Result of {{ m.tool_call_id }}: {{ m.content }}.{% endif %}{% endfor %}";

    private readonly string _templateFile = Path.Combine(Path.GetTempPath(), $"tool-template-{Guid.NewGuid():N}.jinja");

    public ServiceProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_templateFile, ChatTemplate);
        Server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port =>
            [
                "--port", port.ToString(), "--model", TestData.Stories260K, "--served-model-name", InferenceServerFixture.ModelName,
                "--chat-template", _templateFile, "--enable-auto-tool-choice", "--tool-call-parser", "hermes", "--reasoning-parser", "qwen3",
                "--max-num-seqs", "16", "--seed", "0",
            ],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        File.Delete(_templateFile);
    }
}
