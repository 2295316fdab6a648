using System.Net;
using System.Text.RegularExpressions;

namespace AdminDashboard.Tests;

/// <summary>
/// The sign-in form under attack: wrong admin keys are limited per client address (here 3 a minute, then 429 with
/// Retry-After, even for the right key), and behind a TLS-terminating proxy (X-Forwarded-Proto from loopback) the session
/// cookie is Secure. Its own dashboard, alone: no other service is needed to sign in. Each test signs in from its own
/// client address (X-Forwarded-For, as the proxy sends it).
/// </summary>
public sealed partial class LoginSecurityTests(LoginSecurityTests.Dashboard dashboard) : IClassFixture<LoginSecurityTests.Dashboard>
{
    private const string AdminKey = "login-security-admin-key";

    public sealed class Dashboard() : ServiceFixture("AdminDashboard", new ServiceOptions
    {
        Environment = new Dictionary<string, string>
        {
            ["Dashboard__AdminKey"] = AdminKey,
            ["Dashboard__LoginFailuresPerMinute"] = "3",
        },
    });

    [Fact]
    public async Task After_three_wrong_keys_an_address_gets_429_with_Retry_After_even_with_the_right_key()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync($"guess-{i}", "10.0.0.1")).Status);

        var (status, headers, body) = await SignInAsync(AdminKey, "10.0.0.1");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.InRange(int.Parse(headers.RetryAfter!.ToString()), 1, 20);   // one failure refills in 20 s
        Assert.Contains("Too many wrong admin keys", body);
        Assert.False(headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("dashboard.session=")));

        // Another address is not held back.
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(AdminKey, "10.0.0.9")).Status);
    }

    [Fact]
    public async Task The_session_cookie_is_Secure_when_the_client_came_over_HTTPS_through_a_proxy()
    {
        var (status, headers, _) = await SignInAsync(AdminKey, "10.0.0.2", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.Redirect, status);
        var session = headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard.session="));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);

        var (_, plainHeaders, _) = await SignInAsync(AdminKey, "10.0.0.3");
        Assert.DoesNotContain("secure", plainHeaders.GetValues("Set-Cookie").Single(c => c.StartsWith("dashboard.session=")), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Posts the login form as a browser does (its antiforgery token and cookie from GET /login), as a client at
    /// <paramref name="address"/> behind a proxy on loopback.</summary>
    private async Task<(HttpStatusCode Status, System.Net.Http.Headers.HttpResponseHeaders Headers, string Body)> SignInAsync(
        string key, string address, string? forwardedProto = null)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = dashboard.Service.BaseAddress,
        };
        var page = await http.GetStringAsync("login");
        var fields = HiddenInput().Matches(page).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        fields["Input.AdminKey"] = key;
        using var request = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Forwarded-For", address);
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)"\s*/?>""")]
    private static partial Regex HiddenInput();
}
