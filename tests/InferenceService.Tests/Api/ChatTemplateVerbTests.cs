using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>
    /// --tools: the Qwen3 template renders the conversation sent in OpenAI's shape (assistant content null, call arguments
    /// as JSON strings) exactly as Python Jinja2 renders it with the arguments as objects (the ChatTemplates tool cases).
    /// </summary>
    [Fact]
    public async Task RenderVerb_WithTools_RendersOpenAiShapedToolCallsAsPythonJinjaDoes()
    {
        var dir = Directory.CreateTempSubdirectory("render-verb-tools-").FullName;
        try
        {
            using var cases = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(BuildOutput.RepositoryRoot, "tests", "ChatTemplates.Tests", "ToolCases", "tool-cases.json")));
            var c = cases.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "qwen3 tool calls and results");
            var messages = JsonNode.Parse(c.GetProperty("messages").GetRawText())!.AsArray();
            foreach (var message in messages.Where(m => m!["tool_calls"] is not null))
            {
                message!["content"] = null;
                foreach (var call in message["tool_calls"]!.AsArray()) call!["function"]!["arguments"] = call["function"]!["arguments"]!.ToJsonString();
            }
            using var config = JsonDocument.Parse(await File.ReadAllTextAsync(TestData.Path("tokenizers", "qwen3", "tokenizer_config.json")));
            string template = Path.Combine(dir, "qwen3.jinja"), messagesFile = Path.Combine(dir, "m.json"), toolsFile = Path.Combine(dir, "tools.json");
            await File.WriteAllTextAsync(template, config.RootElement.GetProperty("chat_template").GetString());
            await File.WriteAllTextAsync(messagesFile, messages.ToJsonString());
            await File.WriteAllTextAsync(toolsFile, c.GetProperty("tools").GetRawText());

            var (exit, stdout, stderr) = await Run("render-chat-template", "--template", template, "--messages", messagesFile, "--tools", toolsFile);
            Assert.True(exit == 0, stderr);
            Assert.Equal(c.GetProperty("expected").GetString(), stdout);

            var badArguments = JsonNode.Parse(messages.ToJsonString())!.AsArray();
            badArguments[2]!["tool_calls"]![0]!["function"]!["arguments"] = "{not json";
            await File.WriteAllTextAsync(Path.Combine(dir, "bad.json"), badArguments.ToJsonString());
            (exit, _, stderr) = await Run("render-chat-template", "--template", template, "--messages", Path.Combine(dir, "bad.json"), "--tools", toolsFile);
            Assert.Equal(1, exit);
            Assert.Contains("messages[2].tool_calls[0].function.arguments", stderr);

            await File.WriteAllTextAsync(toolsFile, """[{"type":"function","function":{"description":"no name"}}]""");
            (exit, _, stderr) = await Run("render-chat-template", "--template", template, "--messages", messagesFile, "--tools", toolsFile);
            Assert.Equal(1, exit);
            Assert.Contains("tools[0].function.name", stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task<CommandResult> Run(params string[] args) => ServiceCommand.RunAsync("InferenceService", args);
}
