using System.Globalization;

namespace Gateway.Limits;

/// <summary>OpenAI's rate-limit headers (x-ratelimit-limit/remaining/reset-requests and -tokens) and Retry-After.</summary>
public static class RateLimitHeaders
{
    public static void Apply(HttpResponse response, Admission admission)
    {
        if (admission.Requests is { } requests) Write(response.Headers, "requests", requests);
        if (admission.Tokens is { } tokens) Write(response.Headers, "tokens", tokens);
        if (!admission.Allowed)
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(admission.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Durations the way OpenAI writes them: "250ms", "6s", "1.5s", "1m30s".</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var totalMs = (long)Math.Ceiling(duration.TotalMilliseconds);
        if (totalMs < 1000) return $"{totalMs}ms";
        var minutes = totalMs / 60_000;
        var secondsText = ((totalMs % 60_000) / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        return minutes > 0 ? $"{minutes}m{secondsText}" : secondsText;
    }

    private static void Write(IHeaderDictionary headers, string kind, BucketReading bucket)
    {
        headers[$"x-ratelimit-limit-{kind}"] = bucket.Limit.ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-remaining-{kind}"] = bucket.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[$"x-ratelimit-reset-{kind}"] = FormatDuration(bucket.ResetAfter);
    }
}
