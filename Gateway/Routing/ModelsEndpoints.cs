using System.Text.Json;
using Gateway.Errors;
using Yarp.ReverseProxy;

namespace Gateway.Routing;

/// <summary>
/// GET /v1/models: the union of the models of the replicas that are available now (the first replica's entry
/// for a model shared by several); GET /v1/models/{id}: one of them.
/// </summary>
public static class ModelsEndpoints
{
    public static void MapModelsEndpoints(this WebApplication app)
    {
        app.MapGet("/v1/models", (HttpContext context, ModelCatalog catalog, IProxyStateLookup proxy) =>
        {
            var entries = AvailableEntries(catalog, proxy);
            return Results.Json(new { @object = "list", data = entries });
        });
        app.MapGet("/v1/models/{**id}", async (HttpContext context, string id, ModelCatalog catalog, IProxyStateLookup proxy) =>
        {
            var entry = AvailableEntries(catalog, proxy).FirstOrDefault(e => e.GetProperty("id").GetString() == id);
            if (entry.ValueKind == JsonValueKind.Undefined)
                await OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, $"The model `{id}` does not exist.",
                    OpenAiError.InvalidRequest, "model_not_found", "model");
            else
                await context.Response.WriteAsJsonAsync(entry);
        });
    }

    private static List<JsonElement> AvailableEntries(ModelCatalog catalog, IProxyStateLookup proxy)
    {
        var entries = new List<JsonElement>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!proxy.TryGetCluster(ProxyConfiguration.ClusterId, out var cluster)) return entries;
        foreach (var destination in cluster.DestinationsState.AvailableDestinations.OrderBy(d => d.DestinationId, StringComparer.Ordinal))
        {
            if (catalog.ModelsOf(destination.DestinationId) is not { } models) continue;
            foreach (var entry in models.Entries)
                if (seen.Add(entry.GetProperty("id").GetString()!)) entries.Add(entry);
        }
        return entries;
    }
}
