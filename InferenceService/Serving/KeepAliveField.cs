using System.Text.Json;
using InferenceService.Api;

namespace InferenceService.Serving;

/// <summary>A generation request's "keep_alive" (Ollama's): how long its model stays loaded once idle after it, as a
/// duration string ("5m", "30s") or a number of seconds; 0 unloads the model after the request, negative never.</summary>
public static class KeepAliveField
{
    public static void Apply(JsonRequest body, ModelLease lease)
    {
        if (body.Find("keep_alive") is not { } value) return;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw ApiException.BadRequest("'keep_alive' must be a duration such as \"5m\" or a number of seconds.", "keep_alive"),
        };
        try
        {
            lease.KeepAlive(Duration.Parse(text, "keep_alive"));
        }
        catch (ArgumentException error)
        {
            throw ApiException.BadRequest(error.Message, "keep_alive");
        }
    }
}
