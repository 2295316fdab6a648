namespace Gateway.Access;

/// <summary>
/// The first step: one spelling per path, so that every check, meter and route of the gateway sees what a replica will
/// route: runs of slashes become one and a trailing slash goes (<c>/v1//completions/</c> is <c>/v1/completions</c>, which
/// ASP.NET routing on the replica treats alike). Case is left alone: the gateway compares paths ignoring it, as routing does.
/// </summary>
public sealed class PathNormalizationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (!string.IsNullOrEmpty(path) && (path.Contains("//", StringComparison.Ordinal) || (path.Length > 1 && path.EndsWith('/'))))
            context.Request.Path = Normalize(path);
        return next(context);
    }

    public static string Normalize(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', segments);
    }
}
