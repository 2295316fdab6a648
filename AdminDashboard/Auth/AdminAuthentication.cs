using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AdminDashboard.Configuration;

namespace AdminDashboard.Auth;

/// <summary>
/// The admin session: a cookie issued by the login page for the right admin key. Pages redirect to /login
/// without it; requests that are not page navigations (fetches, the API) get 401 instead of a redirect.
/// </summary>
public static class AdminAuthentication
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";
    public const string CookieName = "dashboard.session";

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services, DashboardOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AdminKeyVerifier>();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = LoginPath;
                cookie.LogoutPath = LogoutPath;
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request is HTTPS, also behind a TLS-terminating proxy (X-Forwarded-Proto, see Program.cs).
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    if (IsPageNavigation(context.Request)) context.Response.Redirect(context.RedirectUri);
                    else context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        return services;
    }

    /// <summary>The principal of a signed-in operator.</summary>
    public static ClaimsPrincipal Operator() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, "admin")],
            CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>POST /logout (a form with the antiforgery token): ends the session and goes to the login page.</summary>
    public static void MapLogout(this WebApplication app) =>
        app.MapPost(LogoutPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest("Invalid antiforgery token.");
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect(LoginPath);
        }).DisableAntiforgery(); // Validated above, explicitly (the endpoint binds no form).

    /// <summary>Only local paths may be returned to after login (no open redirect).</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) &&
        !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    private static bool IsPageNavigation(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api") &&
        request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
}
