using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AppHost.Tests;

/// <summary>
/// The publishers, run as the README says (<c>dotnet run --project AppHost -- --publisher manifest|compose --output-path P</c>),
/// and their output validated: Aspire's manifest schema, references resolve, project paths exist, ports unique, compose
/// variables defined. (Nothing is deployed: there is no Docker here.)
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // Checks Unix file modes; the tests run on Linux.
public sealed class PublishTests : IDisposable
{
    private static readonly string[] Services = ["redis", "modelcache", "inference-0", "inference-1", "gateway", "dashboard"];

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
    public async Task Manifest_is_valid_against_Aspires_schema_and_deployable()
    {
        var manifestPath = Path.Combine(_output, "aspire-manifest.json");
        await AppHostProcess.PublishAsync(["--publisher", "manifest", "--output-path", manifestPath]);

        var problems = ManifestValidator.Validate(manifestPath);
        Assert.True(problems.Count == 0, "Manifest problems:\n" + string.Join("\n", problems) + "\n" + File.ReadAllText(manifestPath));

        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var service in Services) Assert.True(resources.TryGetProperty(service, out _), $"no resource {service}");

        // Redis: Aspire's container resource, password-protected, data on a volume.
        var redis = resources.GetProperty("redis");
        Assert.Equal("container.v0", redis.GetProperty("type").GetString());
        Assert.Matches("^(docker.io/library/)?redis:", redis.GetProperty("image").GetString());
        Assert.StartsWith("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}", redis.GetProperty("connectionString").GetString());
        Assert.Equal(6379, redis.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32());
        Assert.Equal("redis-data", redis.GetProperty("volumes")[0].GetProperty("name").GetString());

        var gateway = resources.GetProperty("gateway");
        Assert.Equal("project.v0", gateway.GetProperty("type").GetString());
        Assert.Equal(Path.Combine(BuildOutput.RepositoryRoot, "Gateway", "Gateway.csproj"),
            Path.GetFullPath(Path.Combine(_output, gateway.GetProperty("path").GetString()!)));
        var env = gateway.GetProperty("env");
        Assert.Equal("{redis.connectionString}", env.GetProperty("ConnectionStrings__redis").GetString());
        Assert.Equal("{inference-0.bindings.http.url}", env.GetProperty("services__inference__http__0").GetString());
        Assert.Equal("{inference-1.bindings.http.url}", env.GetProperty("services__inference__http__1").GetString());
        Assert.Equal("{gateway-admin-key.value}", env.GetProperty("Gateway__AdminKey").GetString());
        var gatewayHttp = gateway.GetProperty("bindings").GetProperty("http");
        Assert.True(gatewayHttp.GetProperty("external").GetBoolean());
        Assert.Equal(8000, gatewayHttp.GetProperty("port").GetInt32());

        var dashboard = resources.GetProperty("dashboard").GetProperty("env");
        foreach (var (variable, expected) in new[]
                 {
                     ("services__gateway__http__0", "{gateway.bindings.http.url}"), ("services__modelcache__http__0", "{modelcache.bindings.http.url}"),
                     ("services__inference__http__0", "{inference-0.bindings.http.url}"), ("ConnectionStrings__redis", "{redis.connectionString}"),
                     ("Dashboard__AdminKey", "{gateway-admin-key.value}"), ("ModelCache__ApiKey", "{modelcache-api-key.value}"),
                 })
            Assert.Equal(expected, dashboard.GetProperty(variable).GetString());
        // The model cache's API key: the service and each of its clients get the same parameter.
        Assert.Equal("{modelcache-api-key.value}", resources.GetProperty("modelcache").GetProperty("env").GetProperty("ModelCache__ApiKey").GetString());

        foreach (var replica in new[] { "inference-0", "inference-1" })
        {
            var inference = resources.GetProperty(replica);
            Assert.False(inference.GetProperty("bindings").GetProperty("http").TryGetProperty("external", out _), "replicas are internal");
            Assert.Equal("{modelcache.bindings.http.url}", inference.GetProperty("env").GetProperty("services__modelcache__http__0").GetString());
            Assert.Equal("/hf-cache", inference.GetProperty("env").GetProperty("HF_HOME").GetString());
            Assert.Equal("{modelcache-api-key.value}", inference.GetProperty("env").GetProperty("ModelCache__ApiKey").GetString());
        }

        foreach (var secret in new[] { "gateway-admin-key", "redis-password", "modelcache-api-key" })
        {
            var parameter = resources.GetProperty(secret);
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        }
    }

    [Fact]
    public async Task Engine_flags_and_the_replica_count_of_the_command_line_reach_the_replicas()
    {
        var manifestPath = Path.Combine(_output, "aspire-manifest.json");
        await AppHostProcess.PublishAsync(["--publisher", "manifest", "--output-path", manifestPath,
            "--model", "/models/Qwen3-0.6B", "--max-model-len=4096", "--no-enable-prefix-caching", "--Inference:Replicas", "3"]);

        using var manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
        var resources = manifest.RootElement.GetProperty("resources");
        foreach (var replica in new[] { "inference-0", "inference-1", "inference-2" })
        {
            var env = resources.GetProperty(replica).GetProperty("env");
            Assert.Equal("/models/Qwen3-0.6B", env.GetProperty("Engine__Model").GetString());
            Assert.Equal("4096", env.GetProperty("Engine__MaxModelLen").GetString());
            Assert.Equal("false", env.GetProperty("Engine__EnablePrefixCaching").GetString());
        }
        Assert.False(resources.TryGetProperty("inference-3", out _));
        Assert.Equal("{inference-2.bindings.http.url}", resources.GetProperty("gateway").GetProperty("env").GetProperty("services__inference__http__2").GetString());
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
              "web": {"type": "project.v0", "path": "../web.csproj", "env": {"Z": 3},
                      "bindings": {"http": {"scheme": "http", "protocol": "tcp", "transport": "http", "port": 80}}}
            }}
            """);
        var problems = ManifestValidator.Validate(path);
        Assert.Contains(problems, p => p.Contains("'{db.connectionString}' names no resource"));
        Assert.Contains(problems, p => p.Contains("'{api.bindings.https.url}' does not resolve"));
        Assert.Contains(problems, p => p.Contains("does not exist"));
        Assert.Contains(problems, p => p.StartsWith("schema: /resources/web", StringComparison.Ordinal)); // env values are strings
        Assert.Contains(problems, p => p.Contains("port 80 also used"));
    }

    [Fact]
    public async Task Compose_deployment_is_complete_and_consistent()
    {
        await AppHostProcess.PublishAsync(["--publisher", "compose", "--output-path", _output]);

        var problems = ComposeValidator.Validate(_output);
        var composeText = File.ReadAllText(Path.Combine(_output, "docker-compose.yaml"));
        Assert.True(problems.Count == 0, "Compose problems:\n" + string.Join("\n", problems) + "\n" + composeText);

        var root = ComposeValidator.Load(Path.Combine(_output, "docker-compose.yaml"));
        var services = ComposeValidator.Services(root);
        Assert.Equal(Services, services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!));

        Assert.Matches(new Regex(@"^\s+#\s+- driver: nvidia$", RegexOptions.Multiline), composeText); // GPU reservation, commented.
        Assert.Equal(["8000:8080"], ComposeValidator.Sequence(services["gateway"], "ports"));
        Assert.Equal(["8080:8080"], ComposeValidator.Sequence(services["dashboard"], "ports"));
        Assert.Empty(ComposeValidator.Sequence(services["inference-0"], "ports"));

        // The Hugging Face cache: one named volume shared by modelcache and the replicas, and HF_HOME points into it.
        foreach (var name in new[] { "modelcache", "inference-0", "inference-1" })
        {
            Assert.Contains("hf-cache:/hf-cache", ComposeValidator.Sequence(services[name], "volumes"));
            Assert.Equal("/hf-cache", ComposeValidator.Environment(services[name])["HF_HOME"]);
        }
        Assert.NotNull(ComposeValidator.Map(ComposeValidator.Map(root, "volumes")!, "hf-cache"));
        Assert.Contains("redis-data:/data", ComposeValidator.Sequence(services["redis"], "volumes"));

        var gatewayEnv = ComposeValidator.Environment(services["gateway"]);
        Assert.Equal("http://inference-0:8080", gatewayEnv["services__inference__http__0"]);
        Assert.Equal("http://inference-1:8080", gatewayEnv["services__inference__http__1"]);
        Assert.Equal("redis:6379,password=${REDIS_PASSWORD}", gatewayEnv["ConnectionStrings__redis"]);
        Assert.Equal("${GATEWAY_ADMIN_KEY}", gatewayEnv["Gateway__AdminKey"]);
        foreach (var dependency in new[] { "redis", "inference-0", "inference-1" })
            Assert.Equal("service_healthy", ComposeValidator.Scalar(ComposeValidator.Map(ComposeValidator.Map(services["gateway"], "depends_on")!, dependency)!, "condition"));
        // Redis's password is the container's own variable in its command, not a compose interpolation: it requires it.
        Assert.Contains("--requirepass $$REDIS_PASSWORD", string.Join(' ', ComposeValidator.Sequence(services["redis"], "command")));

        var envPath = Path.Combine(_output, ".env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(envPath));
        var dotEnv = File.ReadAllText(envPath);
        var adminKey = Regex.Match(dotEnv, "^GATEWAY_ADMIN_KEY=(.+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.True(adminKey.Length >= 32, dotEnv);
        Assert.Matches(new Regex("^REDIS_PASSWORD=[A-Za-z0-9]{24,}$", RegexOptions.Multiline), dotEnv);
        Assert.Matches(new Regex("^MODELCACHE_API_KEY=[A-Za-z0-9]{32,}$", RegexOptions.Multiline), dotEnv);
        // One image per project: the replicas share the inference image (and its Dockerfile).
        foreach (var image in new[] { "modelcache", "inference", "gateway", "dashboard" })
        {
            var dockerfile = File.ReadAllText(Path.Combine(_output, $"{image}.Dockerfile"));
            Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile);
            Assert.Contains("**/obj/", File.ReadAllText(Path.Combine(_output, $"{image}.Dockerfile.dockerignore")));
        }
        foreach (var replica in new[] { "inference-0", "inference-1" })
        {
            Assert.Equal("llm-platform/inference:latest", ComposeValidator.Scalar(services[replica], "image"));
            Assert.EndsWith("/inference.Dockerfile", ComposeValidator.Scalar(ComposeValidator.Map(services[replica], "build")!, "dockerfile"));
            // A replica loads its model before it is healthy: the healthcheck's start period allows for that.
            Assert.Equal("1800s", ComposeValidator.Scalar(ComposeValidator.Map(services[replica], "healthcheck")!, "start_period"));
        }
        Assert.Equal("30s", ComposeValidator.Scalar(ComposeValidator.Map(services["gateway"], "healthcheck")!, "start_period"));

        // Publishing again keeps the secrets of an existing .env (a deployed admin key must not change).
        await AppHostProcess.PublishAsync(["--publisher", "compose", "--output-path", _output]);
        Assert.Contains($"GATEWAY_ADMIN_KEY={adminKey}\n", File.ReadAllText(envPath));
    }

    [Fact]
    public void The_compose_validator_catches_undefined_variables_and_stray_dollars()
    {
        var dotEnv = new Dictionary<string, string> { ["KNOWN"] = "x" };
        Assert.Empty(ComposeValidator.CheckInterpolation("a ${KNOWN} b ${OTHER:-default} $$literal", dotEnv));
        Assert.Single(ComposeValidator.CheckInterpolation("${UNKNOWN}", dotEnv));
        Assert.Single(ComposeValidator.CheckInterpolation("costs $5", dotEnv));
    }
}
