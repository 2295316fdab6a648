namespace InferenceService.Api;

/// <summary>A request the API refuses, with the HTTP status and the OpenAI error fields to answer with.</summary>
public sealed class ApiException(int status, string message, string? param = null, string? code = null, string? type = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    public string Type { get; } = type ?? status switch
    {
        404 => "invalid_request_error",
        429 => "rate_limit_error",
        503 => "service_unavailable_error",
        >= 500 => "internal_error",
        _ => "invalid_request_error",
    };

    /// <summary>Seconds for a Retry-After header (429/503).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>For a 503 of a replica that does not serve right now, sent as <see cref="ReplicaStateHeader"/>: nothing was done,
    /// another replica may take the request.</summary>
    public string? ReplicaState { get; init; }

    public static ApiException BadRequest(string message, string? param = null) => new(400, message, param);

    /// <summary>OpenAI's body: {"error": {"message", "type", "param", "code"}}.</summary>
    public object Body() => new { error = new { message = Message, type = Type, param = Param, code = Code } };
}
