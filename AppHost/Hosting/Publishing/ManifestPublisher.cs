using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AppHost.Hosting.Publishing;

/// <summary>
/// Writes the Aspire manifest (schema https://json.schemastore.org/aspire-8.0.json, as Aspire 9 writes it) that
/// azd deploys: <c>parameter.v0</c> for parameters, <c>container.v0</c> for Redis, <c>project.v0</c> for the
/// projects (path relative to the manifest), with env expressions and bindings.
/// </summary>
public static class ManifestPublisher
{
    public const string Schema = "https://json.schemastore.org/aspire-8.0.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IReadOnlyList<Resource> resources, string manifestPath)
    {
        var directory = Path.GetDirectoryName(manifestPath)!;
        Directory.CreateDirectory(directory);
        var values = new ManifestValues();
        var nodes = new JsonObject();
        foreach (var resource in resources.Where(r => !r.ExcludeFromPublish))
            nodes[resource.Name] = resource switch
            {
                ParameterResource parameter => Parameter(parameter),
                RedisResource redis => Redis(redis, values),
                ProjectResource project => Project(project, directory, values),
                ExecutableResource executable => Executable(executable, values),
                _ => throw new NotSupportedException($"The manifest has no type for {resource.GetType().Name}."),
            };
        var manifest = new JsonObject { ["$schema"] = Schema, ["resources"] = nodes };
        File.WriteAllText(manifestPath, manifest.ToJsonString(Json) + "\n");
    }

    private static JsonObject Parameter(ParameterResource parameter)
    {
        var input = new JsonObject { ["type"] = "string", ["secret"] = parameter.Secret };
        if (parameter.GenerateLength is { } length) input["default"] = new JsonObject { ["generate"] = new JsonObject { ["minLength"] = length } };
        else input["default"] = new JsonObject { ["value"] = parameter.Default };
        return new JsonObject
        {
            ["type"] = "parameter.v0",
            ["value"] = $"{{{parameter.Name}.inputs.value}}",
            ["inputs"] = new JsonObject { ["value"] = input },
        };
    }

    private static JsonObject Redis(RedisResource redis, ManifestValues values)
    {
        var node = new JsonObject
        {
            ["type"] = "container.v0",
            ["connectionString"] = $"{{{redis.Name}.bindings.{redis.PrimaryEndpoint.Name}.host}}:{{{redis.Name}.bindings.{redis.PrimaryEndpoint.Name}.port}}",
            ["image"] = $"{redis.Image}:{redis.Tag}",
            ["args"] = new JsonArray([.. redis.PublishedArgs.Select(a => JsonValue.Create(a))]),
        };
        AddEnvironment(node, redis, values);
        if (redis.Volumes.Count > 0)
            node["volumes"] = new JsonArray([.. redis.Volumes.Select(v => new JsonObject { ["name"] = v.Name, ["target"] = v.Target, ["readOnly"] = v.ReadOnly })]);
        node["bindings"] = Bindings(redis);
        return node;
    }

    private static JsonObject Project(ProjectResource project, string manifestDirectory, ManifestValues values)
    {
        var node = new JsonObject
        {
            ["type"] = "project.v0",
            ["path"] = Path.GetRelativePath(manifestDirectory, project.ProjectPath).Replace('\\', '/'),
        };
        AddEnvironment(node, project, values);
        node["bindings"] = Bindings(project);
        return node;
    }

    private static JsonObject Executable(ExecutableResource executable, ManifestValues values)
    {
        var node = new JsonObject
        {
            ["type"] = "executable.v0",
            ["workingDirectory"] = executable.WorkingDirectory,
            ["command"] = executable.Command,
        };
        AddEnvironment(node, executable, values);
        node["bindings"] = Bindings(executable);
        return node;
    }

    private static void AddEnvironment(JsonObject node, Resource resource, ManifestValues values)
    {
        var environment = EnvironmentContext.Evaluate(resource, 0, values);
        if (environment.Count == 0) return;
        var env = new JsonObject();
        foreach (var (key, value) in environment) env[key] = value;
        node["env"] = env;
    }

    private static JsonObject Bindings(Resource resource)
    {
        var bindings = new JsonObject();
        foreach (var endpoint in resource.Endpoints)
        {
            var binding = new JsonObject
            {
                ["scheme"] = endpoint.Scheme,
                ["protocol"] = "tcp",
                ["transport"] = endpoint.Scheme is "http" or "https" ? "http" : "tcp",
                ["targetPort"] = endpoint.TargetPort,
            };
            if (endpoint.External) binding["external"] = true;
            bindings[endpoint.Name] = binding;
        }
        return bindings;
    }
}
