using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using ModelCacheService.Pulls;

namespace ModelCacheService.Api;

/// <summary>
/// POST /api/models/pull (start or join), GET /api/models/pull (recent pulls), GET /api/models/pull/{id}
/// (state) and GET /api/models/pull/{id}/events (Server-Sent Events: "progress" four times a second, then one
/// "completed" or "failed", each carrying the whole state; the event id is the server time in Unix ms).
/// </summary>
public static class PullEndpoints
{
    public static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(250);

    public static void MapPullEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/models/pull", StartAsync);
        app.MapGet("/api/models/pull", async (IPullStore store) => Results.Json(new { @object = "list", data = await store.ListAsync() }, JsonDefaults.Options));
        app.MapGet("/api/models/pull/{id}", async (string id, IPullStore store) =>
            await store.GetAsync(id) is { } state ? Results.Json(state, JsonDefaults.Options) : PullNotFound(id));
        app.MapDelete("/api/models/pull/{id}", CancelAsync);
        app.MapGet("/api/models/pull/{id}/events", async (string id, IPullStore store, CancellationToken ct) =>
            await store.GetAsync(id) is null ? PullNotFound(id) : TypedResults.ServerSentEvents(EventsAsync(id, store, ct)));
    }

    /// <summary>Cancels a running pull of this replica: 200 with the final state; 404 unknown; 409 finished or elsewhere.</summary>
    private static async Task<IResult> CancelAsync(string id, PullCoordinator pulls, IPullStore store)
    {
        if (await store.GetAsync(id) is not { } state) return PullNotFound(id);
        if (!await pulls.CancelAsync(id))
            return ApiErrors.Result(StatusCodes.Status409Conflict, new ErrorDetail(
                state.IsFinished ? $"Pull {id} has already finished ({state.Status})." : $"Pull {id} runs on another replica ({state.Replica}); cancel it there.",
                "invalid_request_error", "id", "pull_not_running"));
        return Results.Json(await store.GetAsync(id), JsonDefaults.Options);
    }

    private static async Task<IResult> StartAsync(HttpRequest request, PullCoordinator pulls)
    {
        var (repo, revision, selection, error) = await PullRequestBody.ReadAsync(request);
        if (error is not null) return error;
        try
        {
            var state = await pulls.StartOrJoinAsync(repo, revision, selection);
            return Results.Json(state, JsonDefaults.Options, statusCode: StatusCodes.Status202Accepted);
        }
        catch (PullFailedException e) when (e.Error.Code == "model_not_cached")
        {
            return ApiErrors.Result(StatusCodes.Status404NotFound, e.Error);
        }
        catch (PullFailedException e) when (e.Error.Code == "pull_starting")
        {
            return ApiErrors.Result(StatusCodes.Status409Conflict, e.Error);
        }
        catch (PullFailedException e) when (e.Error.Code == "too_many_pulls")
        {
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return ApiErrors.Result(StatusCodes.Status429TooManyRequests, e.Error);
        }
        catch (PullFailedException e) when (e.Error.Code == "insufficient_storage")
        {
            return ApiErrors.Result(StatusCodes.Status507InsufficientStorage, e.Error);
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(string id, IPullStore store, [EnumeratorCancellation] CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var state = await store.GetAsync(id);
            if (state is null) yield break; // Expired from the store.
            var json = System.Text.Json.JsonSerializer.Serialize(state, JsonDefaults.Options);
            // The id is the server's clock (Unix ms) at sending: unique, increasing, and it shows the pace the service keeps.
            var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (state.IsFinished)
            {
                yield return new SseItem<string>(json, state.Status) { EventId = sentAt };
                yield break;
            }
            yield return new SseItem<string>(json, "progress") { EventId = sentAt };
            if (!await DelayAsync(EventInterval, ct)) yield break;
        }
    }

    /// <summary>False when the client went away during the wait.</summary>
    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static IResult PullNotFound(string id) =>
        ApiErrors.NotFound($"No pull '{id}' (unknown, or finished more than a day ago).", "id", "pull_not_found");
}
