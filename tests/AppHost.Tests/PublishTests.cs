using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AppHost.Tests;

/// <summary>
/// The publishers, run as the README says (<c>dotnet AppHost.dll --publisher manifest|compose --output-path P</c>),
/// and their output validated: schema rules, references resolve, project paths exist, ports unique, env
/// expressions well-formed. (Nothing is deployed: there is no Docker here.)
/// </summary>
public sealed class PublishTests : IDisposable
{
    private static readonly string[] Services = ["redis", "modelcache", "inference", "gateway", "dashboard"];

    private readonly string _output = Path.Combine(Path.GetTempPath(), $"apphost-publish-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_output, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Manifest_is_a_valid_deployable_Aspire_manifest()
    {
        var manifestPath = Path.Combine(_output, "aspire-manifest.json");
        await PublishAsync("manifest", manifestPath);

        var problems = ManifestValidator.Validate(manifestPath);
        Assert.True(problems.Count == 0, "Manifest problems:\n" + string.Join("\n", problems) + "\n" + File.ReadAllText(manifestPath));

        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var resources = manifest.RootElement.GetProperty("resources");
        Assert.Equal("https://json.schemastore.org/aspire-8.0.json", manifest.RootElement.GetProperty("$schema").GetString());
        foreach (var service in Services) Assert.True(resources.TryGetProperty(service, out _), $"no resource {service}");
        Assert.False(resources.TryGetProperty("prometheus", out _), "local-only prometheus must not be published");

        var redis = resources.GetProperty("redis");
        Assert.Equal("container.v0", redis.GetProperty("type").GetString());
        Assert.Matches("^(docker.io/library/)?redis:7", redis.GetProperty("image").GetString());
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port}", redis.GetProperty("connectionString").GetString());
        Assert.Equal(6379, redis.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());

        var gateway = resources.GetProperty("gateway");
        Assert.Equal("project.v0", gateway.GetProperty("type").GetString());
        Assert.Equal(Path.Combine(BuildOutput.RepositoryRoot, "Gateway", "Gateway.csproj"),
            Path.GetFullPath(Path.Combine(_output, gateway.GetProperty("path").GetString()!)));
        var env = gateway.GetProperty("env");
        Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
        Assert.Equal("{inference.bindings.http.url}", env.GetProperty("services__inference__http__0").GetString());
        Assert.Equal("{gateway-admin-key.value}", env.GetProperty("Gateway__AdminKey").GetString());
        Assert.Equal("gateway", env.GetProperty("OTEL_SERVICE_NAME").GetString());
        Assert.True(gateway.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());

        var dashboard = resources.GetProperty("dashboard").GetProperty("env");
        foreach (var (variable, expected) in new[]
                 {
                     ("services__gateway__http__0", "{gateway.bindings.http.url}"), ("services__modelcache__http__0", "{modelcache.bindings.http.url}"),
                     ("services__inference__http__0", "{inference.bindings.http.url}"), ("ConnectionStrings__redis", "{redis.connectionString}"),
                     ("Dashboard__AdminKey", "{gateway-admin-key.value}"),
                 })
            Assert.Equal(expected, dashboard.GetProperty(variable).GetString());

        var inference = resources.GetProperty("inference");
        Assert.False(inference.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _), "replicas are internal");
        Assert.Equal("{modelcache.bindings.http.url}", inference.GetProperty("env").GetProperty("services__modelcache__http__0").GetString());

        var adminKey = resources.GetProperty("gateway-admin-key");
        Assert.Equal("parameter.v0", adminKey.GetProperty("type").GetString());
        Assert.True(adminKey.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
    }

    [Fact]
    public void The_manifest_validator_catches_broken_expressions()
    {
        Assert.Equal(["a.b", "c.d"], ManifestValidator.Expressions("x{a.b}y{c.d}", out var error));
        Assert.Null(error);
        ManifestValidator.Expressions("{{ bos_token }}", out error);
        Assert.NotNull(error);
        ManifestValidator.Expressions("{a.b", out error);
        Assert.NotNull(error);
        Directory.CreateDirectory(_output);
        var path = Path.Combine(_output, "broken.json");
        File.WriteAllText(path, """
            {"resources": {
              "api": {"type": "project.v0", "path": "nowhere/Api.csproj", "env": {"X": "{db.connectionString}", "Y": "{api.bindings.https.url}"},
                      "bindings": {"http": {"scheme": "http", "protocol": "tcp", "transport": "http", "port": 80}}},
              "web": {"type": "project.v0", "path": "../web.csproj", "replicas": 2,
                      "bindings": {"http": {"scheme": "http", "protocol": "tcp", "transport": "http", "port": 80}}}
            }}
            """);
        var problems = ManifestValidator.Validate(path);
        Assert.Contains(problems, p => p.Contains("'{db.connectionString}' names no resource"));
        Assert.Contains(problems, p => p.Contains("'{api.bindings.https.url}' does not resolve"));
        Assert.Contains(problems, p => p.Contains("does not exist"));
        Assert.Contains(problems, p => p.Contains("'replicas' is not allowed"));
        Assert.Contains(problems, p => p.Contains("port 80 also used"));
    }

    [Fact]
    public async Task Compose_deployment_is_complete_and_consistent()
    {
        await PublishAsync("compose", _output);

        var problems = ComposeValidator.Validate(_output);
        var composeText = File.ReadAllText(Path.Combine(_output, "docker-compose.yaml"));
        Assert.True(problems.Count == 0, "Compose problems:\n" + string.Join("\n", problems) + "\n" + composeText);

        var root = ComposeValidator.Load(Path.Combine(_output, "docker-compose.yaml"));
        var services = ComposeValidator.Services(root);
        Assert.Equal(Services, services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!));

        var inference = services["inference"];
        Assert.Equal("2", ComposeValidator.Scalar(ComposeValidator.Map(inference, "deploy")!, "replicas"));
        Assert.Matches(new Regex(@"^\s+#\s+- driver: nvidia$", RegexOptions.Multiline), composeText); // GPU reservation, commented.
        Assert.Equal(["8000:8080"], ComposeValidator.Sequence(services["gateway"], "ports"));
        Assert.Empty(ComposeValidator.Sequence(inference, "ports"));

        // The Hugging Face cache: one named volume shared by modelcache and inference, and HF_HOME points into it.
        foreach (var name in new[] { "modelcache", "inference" })
        {
            Assert.Contains("hf-cache:/hf-cache", ComposeValidator.Sequence(services[name], "volumes"));
            Assert.Equal("/hf-cache", ComposeValidator.Environment(services[name])["HF_HOME"]);
        }
        Assert.NotNull(ComposeValidator.Map(ComposeValidator.Map(root, "volumes")!, "hf-cache"));

        var gatewayEnv = ComposeValidator.Environment(services["gateway"]);
        Assert.Equal("http://inference:8080", gatewayEnv["services__inference__http__0"]);
        Assert.Equal("redis:6379", gatewayEnv["ConnectionStrings__redis"]);
        Assert.Equal("${GATEWAY_ADMIN_KEY}", gatewayEnv["Gateway__AdminKey"]);
        Assert.Equal("service_healthy", ComposeValidator.Scalar(ComposeValidator.Map(ComposeValidator.Map(services["gateway"], "depends_on")!, "inference")!, "condition"));

        var dotEnv = File.ReadAllText(Path.Combine(_output, ".env"));
        var adminKey = Regex.Match(dotEnv, "^GATEWAY_ADMIN_KEY=(.+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.True(adminKey.Length >= 32, dotEnv);
        foreach (var project in new[] { "modelcache", "inference", "gateway", "dashboard" })
        {
            var dockerfile = File.ReadAllText(Path.Combine(_output, $"{project}.Dockerfile"));
            Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile);
            Assert.Contains("**/obj/", File.ReadAllText(Path.Combine(_output, $"{project}.Dockerfile.dockerignore")));
        }

        // Publishing again keeps the secrets of an existing .env (a deployed admin key must not change).
        await PublishAsync("compose", _output);
        Assert.Contains($"GATEWAY_ADMIN_KEY={adminKey}\n", File.ReadAllText(Path.Combine(_output, ".env")));
    }

    [Fact]
    public void The_compose_validator_catches_undefined_variables_and_stray_dollars()
    {
        var dotEnv = new Dictionary<string, string> { ["KNOWN"] = "x" };
        Assert.Empty(ComposeValidator.CheckInterpolation("a ${KNOWN} b ${OTHER:-default} $$literal", dotEnv));
        Assert.Single(ComposeValidator.CheckInterpolation("${UNKNOWN}", dotEnv));
        Assert.Single(ComposeValidator.CheckInterpolation("costs $5", dotEnv));
    }

    /// <summary>Runs the AppHost's publisher and checks it exits 0.</summary>
    private static async Task PublishAsync(string publisher, string outputPath)
    {
        var dll = BuildOutput.ServiceDll("AppHost");
        await using var appHost = TestProcess.Start("AppHost publish", DotNetHost.Path, [dll, "--publisher", publisher, "--output-path", outputPath],
            workingDirectory: Path.GetDirectoryName(dll));
        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)), appHost.Describe());
        Assert.True(appHost.ExitCode == 0, appHost.Describe());
    }
}
