using System.Text.Json;

namespace Gateway.Routing;

/// <summary>
/// vLLM's request <c>priority</c> (lower runs first) is the operator's to give, not the client's: without a key setting
/// the field is removed (every request gets the replica's default, 0); with the key's min_priority, the request runs at
/// its own priority (0 when absent) but never before min_priority.
/// </summary>
public static class RequestPriority
{
    /// <summary>Applies the rule to the body; false when the client's priority is not an integer.</summary>
    public static bool Apply(RequestBody body, int? minPriority)
    {
        var present = body.Root.TryGetProperty("priority", out var value) && value.ValueKind != JsonValueKind.Null;
        if (minPriority is not { } floor)
        {
            if (present) body.Set("priority", null);
            return true;
        }
        long asked = 0;
        if (present && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out asked))) return false;
        body.Set("priority", Math.Max(asked, floor));
        return true;
    }
}
