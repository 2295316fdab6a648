using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AppHost.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class AspireSystemCollection : ICollectionFixture<AspireSystemFixture>
{
    public const string Name = "The whole system under Aspire.Hosting.Testing";
}

/// <summary>
/// The AppHost's application model run by Aspire.Hosting.Testing (DCP, random ports, no Aspire dashboard), shared by the
/// tests of the collection: a temporary Hugging Face cache, every service's telemetry sent to an in-test OTLP collector
/// (http/protobuf), a known admin key, and a first API key created through the gateway's admin API.
/// </summary>
public sealed class AspireSystemFixture : IAsyncLifetime
{
    public const string AdminKey = "apphost-tests-admin-key-0123456789";
    public const string InferenceApiKey = "apphost-tests-inference-key-0123456789";
    public const string ModelName = "stories260K";
    public static readonly string[] Services = ["redis", "modelcache", "inference-0", "inference-1", "gateway", "dashboard"];

    private readonly DirectoryInfo _hfHome = Directory.CreateTempSubdirectory("apphost-tests-hf-");

    public DistributedApplication App { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; } = OtlpReceiver.Start();

    public string ApiKey { get; private set; } = "";

    /// <summary>The model the gateway's configured deployment serves besides the replicas' startup model.</summary>
    public const string SecondModel = "stories-second";

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"--HF_HOME={_hfHome.FullName}",
            $"--Parameters:gateway-admin-key={AdminKey}",
            $"--Parameters:inference-api-key={InferenceApiKey}",
            // Two cores shared by six processes: one engine thread per replica.
            "--Engine:Threads=1",
            // A restarted replica is back in the gateway's rotation within seconds.
            "--Gateway:HealthCheckInterval=00:00:01",
            "--Gateway:PassiveReactivationPeriod=00:00:02",
            // A second model, deployed by the gateway onto both replicas once they are up.
            $"--Gateway:Deployments:{SecondModel}:model={TestData.Stories260K}",
            $"--Gateway:Deployments:{SecondModel}:replicas=2",
        ]);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
            builder.CreateResourceBuilder(project)
                .WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", Telemetry.Endpoint.ToString().TrimEnd('/'))
                .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");

        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        foreach (var service in Services)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        ApiKey = await CreateApiKeyAsync();
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        await Telemetry.DisposeAsync();
        _hfHome.Delete(recursive: true);
    }

    /// <summary>The latest snapshot of a resource (state, health, properties such as its pid and environment).</summary>
    public CustomResourceSnapshot Snapshot(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state) ? state.Snapshot
            : throw new InvalidOperationException($"No state for {resource}.");

    /// <summary>The process id of a running service.</summary>
    public int Pid(string resource) =>
        Snapshot(resource).Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid
            ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{resource} has no pid.");

    private async Task<string> CreateApiKeyAsync()
    {
        using var gateway = App.CreateHttpClient("gateway");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = JsonContent.Create(new { name = "apphost-tests" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await gateway.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /admin/keys answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }
}
