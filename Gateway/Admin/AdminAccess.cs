using System.Globalization;
using Gateway.Configuration;
using Gateway.Errors;
using Gateway.Keys;

namespace Gateway.Admin;

/// <summary>
/// Who may use the gateway's admin surface (the admin API, /metrics, /health's details): requests on the admin listener
/// (every listener unless <see cref="GatewayOptions.AdminUrls"/> names one) with <c>Authorization: Bearer &lt;admin key&gt;</c>.
/// Wrong keys are counted per client address; an address over <see cref="GatewayOptions.AdminFailuresPerMinute"/> is
/// refused (429 with Retry-After) whatever it presents, until its budget has refilled.
/// </summary>
public sealed class AdminAccess
{
    private readonly string? _adminHash;
    private readonly IReadOnlySet<int> _adminPorts;
    private readonly FailedAttemptLimiter _failures;

    public AdminAccess(GatewayOptions options, TimeProvider time)
    {
        // Hashing both sides gives equal lengths, so the comparison is constant-time whatever was presented.
        _adminHash = string.IsNullOrEmpty(options.AdminKey) ? null : ApiKeySecret.Hash(options.AdminKey);
        _adminPorts = ListenerUrls.AdminPorts(options);
        _failures = new FailedAttemptLimiter(options.AdminFailuresPerMinute, time);
    }

    /// <summary>True when the request came in on the admin listener (always, without a separate one).</summary>
    public bool OnAdminListener(HttpContext context) => _adminPorts.Count == 0 || _adminPorts.Contains(context.Connection.LocalPort);

    /// <summary>Whether the request may see the admin surface; a wrong key is counted against its address.</summary>
    public bool IsAdmin(HttpContext context) => OnAdminListener(context) && RefusalOf(context) is null;

    /// <summary>Null when the request may use the admin surface; otherwise writes why not (404 off the admin listener,
    /// 403 disabled, 401 wrong or missing key, 429 too many wrong keys) and returns false.</summary>
    public async Task<bool> AdmitAsync(HttpContext context)
    {
        if (!OnAdminListener(context))
        {
            await OpenAiError.NotFoundAsync(context, $"Unknown path {context.Request.Path}.", "unknown_path");
            return false;
        }
        if (RefusalOf(context) is not { } refusal) return true;
        if (refusal.RetryAfter is { } wait)
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await OpenAiError.WriteAsync(context, refusal.Status, refusal.Message, refusal.Status == 429 ? "rate_limit_error" : OpenAiError.InvalidRequest,
            refusal.Code);
        return false;
    }

    private sealed record Refusal(int Status, string Message, string Code, TimeSpan? RetryAfter = null);

    private Refusal? RefusalOf(HttpContext context)
    {
        if (_adminHash is null)
            return new Refusal(StatusCodes.Status403Forbidden, "The admin API is disabled: set Gateway__AdminKey to enable it.", "admin_api_disabled");
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_failures.RetryAfter(address) is { } wait)
            return new Refusal(StatusCodes.Status429TooManyRequests,
                $"Too many wrong admin keys from {address}; try again in {Math.Ceiling(wait.TotalSeconds)} s.", "too_many_failed_attempts", wait);
        var presented = BearerToken.From(context.Request);
        if (presented is not null && ApiKeySecret.HashesEqual(ApiKeySecret.Hash(presented), _adminHash)) return null;
        if (presented is not null) _failures.Failed(address);
        return new Refusal(StatusCodes.Status401Unauthorized, "The admin API needs the admin key (Authorization: Bearer <admin key>).",
            "invalid_api_key");
    }
}
