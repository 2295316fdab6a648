using Gateway.Access;

namespace Gateway.Admin;

/// <summary>The admin API (/admin/*) and the metrics (/metrics: key names, tokens per key) are for the admin only:
/// on the admin listener, with the admin key (<see cref="AdminAccess"/>).</summary>
public sealed class AdminRoutesMiddleware(RequestDelegate next, AdminAccess access)
{
    public const string MetricsPath = "/metrics";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if ((ProtectedPaths.IsAdmin(path) || path.StartsWithSegments(MetricsPath)) && !await access.AdmitAsync(context)) return;
        await next(context);
    }
}
