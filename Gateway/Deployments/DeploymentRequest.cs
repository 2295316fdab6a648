using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Deployments;

/// <summary>
/// A POST /admin/deployments body: the replicas' load fields (model, served_model_name, dtype, quantization,
/// max_model_len, ...: passed on as they are, the replica checks them) and where to serve it, <c>replicas</c> (how many,
/// default 1) or <c>replica_ids</c> (which).
/// </summary>
public sealed record DeploymentRequest(string Name, JsonObject Spec, int? Count, string[]? ReplicaIds)
{
    /// <summary>A deployment of the configuration (<see cref="Configuration.GatewayOptions.Deployments"/>): its served name and
    /// its fields as text (replicas a number, replica_ids separated by commas).</summary>
    public static (DeploymentRequest? Request, string? Error, string? Param) FromSettings(string name, IReadOnlyDictionary<string, string> fields)
    {
        var body = new JsonObject { ["served_model_name"] = name };
        foreach (var (field, value) in fields)
        {
            body[field] = field switch
            {
                "replicas" => int.TryParse(value, out int count) ? JsonValue.Create(count) : JsonValue.Create(value),
                "replica_ids" => new JsonArray([.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(id => (JsonNode)id)]),
                _ => JsonValue.Create(value),
            };
        }
        return Parse(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    /// <summary>The request, or the 400's message and parameter.</summary>
    public static (DeploymentRequest? Request, string? Error, string? Param) Parse(ReadOnlySpan<byte> body)
    {
        JsonObject spec;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject parsed) return (null, "The body must be a JSON object.", null);
            spec = parsed;
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.", null);
        }
        if (spec["model"] is not JsonValue model || model.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetValue<string>()))
            return (null, "'model' is required: a local path or a Hugging Face repo id (org/name) that the replicas can load.", "model");
        var served = spec["served_model_name"];
        if (served is not null && (served.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(served.GetValue<string>())))
            return (null, "'served_model_name' must be a non-empty string.", "served_model_name");
        string name = served?.GetValue<string>() ?? model.GetValue<string>();

        int? count = null;
        if (spec.Remove("replicas", out var replicas) && replicas is not null)
        {
            if (replicas.GetValueKind() != JsonValueKind.Number || !replicas.AsValue().TryGetValue(out int n) || n < 1)
                return (null, "'replicas' must be a positive integer (how many replicas serve the model).", "replicas");
            count = n;
        }
        string[]? ids = null;
        if (spec.Remove("replica_ids", out var named) && named is not null)
        {
            if (named is not JsonArray list || list.Count == 0 || list.Any(i => i?.GetValueKind() != JsonValueKind.String))
                return (null, "'replica_ids' must be a non-empty list of replica ids (GET /admin/replicas lists them).", "replica_ids");
            ids = [.. list.Select(i => i!.GetValue<string>()).Distinct(StringComparer.Ordinal)];
        }
        if (count is not null && ids is not null) return (null, "Give 'replicas' (how many) or 'replica_ids' (which), not both.", "replicas");
        return (new DeploymentRequest(name, spec, ids is null ? count ?? 1 : null, ids), null, null);
    }
}
