using System.Text.Json.Nodes;

namespace InferenceService.Tests.Api;

/// <summary>Values of every JSON type, edge numbers and odd strings, to put where a request expects something else.</summary>
public static class FuzzValues
{
    public static readonly JsonNode?[] All =
    [
        null, true, false, 0, -1, 1, 2, 3.5, -1e9, 1e12, 99999999999, "", "x", "stories260K", "user", "function", "auto", "none",
        "required", "base64", new JsonArray(), new JsonArray(1, 2), new JsonArray("a"), new JsonArray(new JsonArray()), new JsonObject(),
        new JsonObject { ["role"] = "user" }, new JsonObject { ["type"] = "function" }, 0.5, "\u0000", "😀", "{\"a\":",
    ];
}
