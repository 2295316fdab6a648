namespace InferenceService.Tests.Api;

/// <summary>
/// A real InferenceService serving stories260K the way a tool-calling model is served (<see cref="ToolChatTemplate"/>:
/// --enable-auto-tool-choice --tool-call-parser hermes), with --reasoning-parser qwen3 as well.
/// </summary>
public sealed class ToolServerFixture : IAsyncLifetime
{
    private readonly string _templateFile = Path.Combine(Path.GetTempPath(), $"tool-template-{Guid.NewGuid():N}.jinja");

    public ServiceProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_templateFile, ToolChatTemplate.Text);
        Server = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port =>
            [
                "--port", port.ToString(), "--model", TestData.Stories260K, "--served-model-name", InferenceServerFixture.ModelName,
                .. ToolChatTemplate.ServerFlags(_templateFile), "--reasoning-parser", "qwen3", "--max-num-seqs", "16", "--seed", "0",
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
