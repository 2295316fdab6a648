using System.Diagnostics;
using Engine.Core;

namespace InferenceService.Api;

/// <summary>
/// OpenTelemetry spans for one engine request, under the incoming trace context: "llm.request" with children
/// "llm.queue" (waiting), "llm.prefill" (scheduled until the first token) and "llm.decode" (the rest),
/// recorded when the request ends from the engine's timestamps.
/// </summary>
public static class RequestTracing
{
    public static readonly ActivitySource Source = new("InferenceService");

    public static void Record(Sequence seq)
    {
        if (!Source.HasListeners()) return;
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset At(long timestamp) => now - Stopwatch.GetElapsedTime(timestamp);
        var arrival = At(seq.ArrivalTimestamp);
        using var request = Source.StartActivity("llm.request", ActivityKind.Internal, Activity.Current?.Context ?? default, startTime: arrival);
        if (request is null) return;
        request.SetTag("gen_ai.request.id", seq.RequestId);
        request.SetTag("gen_ai.usage.input_tokens", seq.PromptLength);
        request.SetTag("gen_ai.usage.output_tokens", seq.CompletionLength);
        request.SetTag("gen_ai.response.finish_reason", seq.FinishReason?.ToString().ToLowerInvariant());
        var scheduled = seq.FirstScheduledTimestamp is { } s ? At(s) : now;
        var firstToken = seq.FirstTokenTimestamp is { } f ? At(f) : now;
        var lastToken = seq.LastTokenTimestamp is { } l ? At(l) : now;
        Child("llm.queue", arrival, scheduled, request);
        if (seq.FirstScheduledTimestamp is not null) Child("llm.prefill", scheduled, firstToken, request);
        if (seq.FirstTokenTimestamp is not null) Child("llm.decode", firstToken, lastToken, request);
        request.SetEndTime(now.UtcDateTime);
    }

    private static void Child(string name, DateTimeOffset start, DateTimeOffset end, Activity parent)
    {
        using var span = Source.StartActivity(name, ActivityKind.Internal, parent.Context, startTime: start);
        span?.SetEndTime(end.UtcDateTime);
    }
}
