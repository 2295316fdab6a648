namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A real InferenceService replica serving stories260K as a tool-calling model (<see cref="ToolChatTemplate"/>, the hermes
/// parser under tool_choice "auto") behind a real gateway, for OpenAI clients' tool calling and embeddings end to end.
/// </summary>
public sealed class ToolReplicaCluster : IAsyncLifetime
{
    public const string Model = "stories260K";

    private readonly string _templateFile = Path.Combine(Path.GetTempPath(), $"tool-template-{Guid.NewGuid():N}.jinja");

    public ServiceProcess Replica { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public CreatedKey Key { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_templateFile, ToolChatTemplate.Text);
        Replica = await ServiceProcess.StartAsync("InferenceService", new ServiceOptions
        {
            Args = port => ["--port", port.ToString(), "--model", TestData.Stories260K, "--served-model-name", Model, .. ToolChatTemplate.ServerFlags(_templateFile), "--seed", "0"],
            BindWithAspNetCoreUrls = false,
            HealthTimeout = TimeSpan.FromSeconds(120),
        });
        Gateway = await GatewayProcess.StartAsync("gateway-tools", [Replica.Url], redis: null);
        Key = await Gateway.CreateKeyAsync("tools");
    }

    public async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Replica is not null) await Replica.DisposeAsync();
        File.Delete(_templateFile);
    }
}
