using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Keys;
using Gateway.Limits;
using Gateway.Observability;
using Gateway.Routing;

namespace Gateway.Access;

/// <summary>
/// API key authentication and rate limits. Protected paths need a valid key and pass its request/token limits: the
/// body is read and parsed once here (a 400 when it is not a JSON object), and the admission reserves the request's
/// token estimate (<see cref="TokenEstimate"/>), settled when the response is done (<see cref="TokenReservation"/>):
/// a response that failed before anything was generated (any status but 2xx) gives it all back.
/// Requests without a valid key (anonymous paths, failed authentication) are limited per client IP.
/// Probes and the admin API (own key) pass through.
/// </summary>
public sealed class ApiAccessMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator, RateLimiter limiter, ModelCatalog catalog,
    GatewayOptions options, ILogger<ApiAccessMiddleware> logger)
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

        RequestBody? body = null;
        if (await RequestBody.ReadAsync(context.Request, options.MaxRequestBodyBytes, context.RequestAborted) is { } bytes)
        {
            (body, var error) = RequestBody.Parse(bytes);
            if (body is null)
            {
                await OpenAiError.BadRequestAsync(context, error!);
                return;
            }
        }
        using (body)
        {
            var estimate = body is null ? 0 : TokenEstimate.Of(body.Root, path, catalog.MaxModelLen);
            var admission = await limiter.AdmitAsync(caller.Subject, caller.Limits, estimate);
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
            var reservation = new TokenReservation(limiter, caller.Subject, caller.Limits.TokensPerMinute, admission.Reserved);
            context.Features.Set(caller);
            context.Features.Set(reservation);
            if (body is not null) context.Features.Set(body);
            try
            {
                await next(context);
            }
            finally
            {
                if (context.Response.StatusCode is < 200 or >= 300) await RefundAsync(reservation, key);
            }
        }
    }

    private async Task RefundAsync(TokenReservation reservation, ApiKeyRecord key)
    {
        try
        {
            await reservation.RefundAsync();
        }
        catch (Exception error)
        {
            logger.LogError(error, "Giving back {Tokens} reserved tokens to key {KeyName} failed", reservation.Reserved, key.Name);
        }
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
