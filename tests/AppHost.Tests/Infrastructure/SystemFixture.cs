using System.Text.RegularExpressions;

namespace AppHost.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "The whole system under the AppHost";
}

/// <summary>
/// The whole system as <c>dotnet run --project AppHost</c> starts it (random ports, a temporary Hugging Face
/// cache, telemetry to an in-test OTLP collector over http/protobuf), shared by the tests of the collection.
/// Waits until every resource is healthy and the AppHost has printed the first API key (or said it could not).
/// </summary>
public sealed partial class SystemFixture : IAsyncLifetime
{
    public const string AdminKey = "apphost-tests-admin-key-0123456789";
    public const string ModelName = "stories260K";

    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"apphost-tests-{Guid.NewGuid():N}");

    public TestingAppHost App { get; private set; } = null!;

    public OtlpReceiver Telemetry { get; private set; } = null!;

    public string HfHome => Path.Combine(_temp, "hf-home");

    /// <summary>The API key the AppHost printed; null when the gateway has no admin API.</summary>
    public string? ApiKey { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(HfHome);
        Telemetry = OtlpReceiver.Start();
        App = TestingAppHost.Start(new Dictionary<string, string>
        {
            ["HF_HOME"] = HfHome,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["Parameters__gateway-admin-key"] = AdminKey,
            // Two cores shared by six processes: one engine thread per replica.
            ["Engine__Threads"] = "1",
            // A restarted replica is back in the gateway's rotation within seconds.
            ["Gateway__HealthCheckInterval"] = "00:00:01",
            ["Gateway__PassiveReactivationPeriod"] = "00:00:02",
        });
        try
        {
            await App.WaitForAllHealthyAsync(TimeSpan.FromMinutes(3));
            var line = await App.Process.WaitForOutputAsync(KeyLine(), TimeSpan.FromSeconds(60));
            ApiKey = line.Groups["key"].Success ? line.Groups["key"].Value : null;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Telemetry is not null) await Telemetry.DisposeAsync();
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [GeneratedRegex(@"^AppHost: (API key \(dev only\): (?<key>\S+)|the gateway has no admin API yet.*|could not create an API key.*)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
