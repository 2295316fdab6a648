using System.Text.Json;

namespace InferenceService.Tests.Api;

/// <summary>Chat without a template, and the render-chat-template verb, on real processes.</summary>
public sealed class ChatTemplateVerbTests
{
    [Fact]
    public async Task ModelWithoutTemplate_ChatGets400ThatSaysHowToPassOne()
    {
        await using var server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString()],   // the embedded stories260K has no chat_template
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        using var response = await server.Http.PostAsync("v1/chat/completions",
            new StringContent("""{"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("--chat-template", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task RenderVerb_PrintsExactlyTheRenderedText_OrTheErrorWithExit1()
    {
        var dir = Directory.CreateTempSubdirectory("render-verb-").FullName;
        try
        {
            var template = Path.Combine(dir, "t.jinja");
            var messages = Path.Combine(dir, "m.json");
            await File.WriteAllTextAsync(template, "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}");
            await File.WriteAllTextAsync(messages, """[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi ünïcode"}]""");
            var (exit, stdout, _) = await Run("render-chat-template", "--template", template, "--messages", messages, "--bos-token", "<s>");
            Assert.Equal(0, exit);
            Assert.Equal("<s>[system] Be brief.\n[user] Hi ünïcode\n[assistant]", stdout);

            (exit, stdout, _) = await Run("render-chat-template", "--template", template, "--messages", messages, "--no-generation-prompt");
            Assert.Equal("[system] Be brief.\n[user] Hi ünïcode\n", stdout);

            await File.WriteAllTextAsync(template, "{{ raise_exception('Only user and assistant roles are supported!') }}");
            (exit, stdout, var stderr) = await Run("render-chat-template", "--template", template, "--messages", messages);
            Assert.Equal(1, exit);
            Assert.Equal("", stdout);
            Assert.Contains("Only user and assistant roles are supported!", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<CommandResult> Run(params string[] args) => ServiceCommand.RunAsync("InferenceService", args);
}
