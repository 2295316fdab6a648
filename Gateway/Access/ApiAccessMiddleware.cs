using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Keys;
using Gateway.Limits;
using Gateway.Observability;

namespace Gateway.Access;

/// <summary>
/// API key authentication and rate limits. Protected paths need a valid key and pass its request/token limits;
/// requests without a valid key (anonymous paths, failed authentication) are limited per client IP.
/// Probes and the admin API (own key) pass through.
/// </summary>
public sealed class ApiAccessMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator, RateLimiter limiter, GatewayOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (RouteNames.IsProbe(path) || ProtectedPaths.IsAdmin(path))
        {
            await next(context);
            return;
        }
        if (!ProtectedPaths.RequireApiKey(path))
        {
            if (await AdmitAnonymousAsync(context)) await next(context);
            return;
        }

        var result = await authenticator.AuthenticateAsync(BearerToken.From(context.Request));
        if (result.Outcome != AuthenticationOutcome.Valid)
        {
            if (await AdmitAnonymousAsync(context)) await RefuseAsync(context, result.Outcome);
            return;
        }

        var key = result.Key!;
        var caller = new AuthenticatedCaller(key, new RateLimitPolicy(
            key.RequestsPerMinute ?? options.DefaultRequestsPerMinute,
            key.TokensPerMinute ?? options.DefaultTokensPerMinute));
        context.Features.Get<GatewayRequestInfo>()?.KeyName = key.Name;

        var admission = await limiter.AdmitAsync(caller.Subject, caller.Limits);
        // Set at the last moment: a retried upstream attempt clears the response headers.
        context.Response.OnStarting(() =>
        {
            RateLimitHeaders.Apply(context.Response, admission);
            return Task.CompletedTask;
        });
        if (!admission.Allowed)
        {
            await RateLimitedAsync(context, admission);
            return;
        }
        context.Features.Set(caller);
        await next(context);
    }

    /// <summary>Applies the per-IP limit; writes the 429 and returns false when it is exceeded.</summary>
    private async Task<bool> AdmitAnonymousAsync(HttpContext context)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var admission = await limiter.AdmitAsync("ip:" + ip, new RateLimitPolicy(options.AnonymousRequestsPerMinute, 0));
        if (admission.Allowed) return true;
        await RateLimitedAsync(context, admission);
        return false;
    }

    private static Task RateLimitedAsync(HttpContext context, Admission admission)
    {
        RateLimitHeaders.Apply(context.Response, admission);
        var kind = admission.RefusedBy;
        var limit = kind == "tokens" ? admission.Tokens?.Limit : admission.Requests?.Limit;
        var message = $"Rate limit reached for {kind} per minute (limit {limit}). " +
                      $"Please try again in {RateLimitHeaders.FormatDuration(admission.RetryAfter)}.";
        return OpenAiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, message, kind, "rate_limit_exceeded");
    }

    private static Task RefuseAsync(HttpContext context, AuthenticationOutcome outcome) => outcome switch
    {
        AuthenticationOutcome.Missing => OpenAiError.InvalidApiKeyAsync(context,
            "You didn't provide an API key. Provide it in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY)."),
        AuthenticationOutcome.Revoked => OpenAiError.InvalidApiKeyAsync(context, "The API key provided has been revoked."),
        AuthenticationOutcome.StoreUnavailable => OpenAiError.UnavailableAsync(context,
            "The API key could not be verified: the key store is unreachable. Keys used recently keep working; try again later.",
            "key_store_unavailable"),
        _ => OpenAiError.InvalidApiKeyAsync(context, "Incorrect API key provided."),
    };
}
