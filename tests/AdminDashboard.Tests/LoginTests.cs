using System.Net;
using System.Text.RegularExpressions;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>The admin login: every page needs the session; a wrong key is refused; the right one enters.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LoginTests(Platform platform)
{
    [Fact]
    public async Task Unauthenticated_visit_redirects_to_login_and_a_wrong_key_is_refused()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;

        await page.GotoAsync("/keys");
        await page.WaitForURLAsync(new Regex(@"/login\?ReturnUrl=%2Fkeys$"));
        await Assertions.Expect(browser.TestId("sign-in")).ToBeVisibleAsync();
        await browser.ScreenshotAsync("01-login");

        await browser.TestId("admin-key").FillAsync("not-the-admin-key");
        await browser.TestId("sign-in").ClickAsync();
        await Assertions.Expect(browser.TestId("login-error")).ToHaveTextAsync("Wrong admin key.");
        Assert.Contains("/login", page.Url);
        await browser.ScreenshotAsync("02-login-wrong-key");

        // Still no session: a page still redirects.
        await page.GotoAsync("/");
        await page.WaitForURLAsync(new Regex("/login"));
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task The_right_key_enters_at_the_page_asked_for_and_sign_out_ends_the_session()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;

        await browser.SignInAsync(path: "/keys");
        await page.WaitForURLAsync(new Regex("/keys$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("API keys");

        await browser.TestId("sign-out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/login"));
        await page.GotoAsync("/charts");
        await page.WaitForURLAsync(new Regex("/login"));
        browser.AssertNoProblems();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/models")]
    [InlineData("/keys")]
    [InlineData("/charts")]
    [InlineData("/playground")]
    public async Task Pages_without_a_session_redirect_to_login(string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = platform.Dashboard.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task The_interactive_hub_refuses_connections_without_a_session()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = platform.Dashboard.BaseAddress };
        using var response = await http.PostAsync("_blazor/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Probes_stay_anonymous()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = platform.Dashboard.BaseAddress };
        foreach (var path in new[] { "health", "alive", "metrics" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/{path} answered {(int)response.StatusCode}");
        }
    }
}
