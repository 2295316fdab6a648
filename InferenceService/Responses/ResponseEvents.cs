using InferenceService.Api;

namespace InferenceService.Responses;

/// <summary>
/// The Responses API's stream: each event named by its type (`event: TYPE` then `data: {...}`) and numbered by
/// sequence_number from 0; no `[DONE]`. A failure after the stream began ends it with an "error" event.
/// </summary>
public sealed class ResponseEvents(ServerSentEvents events)
{
    private int _sequence;

    public Task SendAsync(Dictionary<string, object?> data, CancellationToken cancellationToken)
    {
        data["sequence_number"] = _sequence++;
        return events.SendAsync((string)data["type"]!, data, cancellationToken);
    }

    public Task FailAsync(ApiException error) => SendAsync(new()
    {
        ["type"] = "error", ["code"] = error.Code ?? error.Type, ["message"] = error.Message, ["param"] = error.Param,
    }, CancellationToken.None);
}
