using System.Net;
using System.Net.Http.Headers;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>The API keys page against the gateway's admin API: create (secret once, copy), use, revoke.</summary>
[Collection(PlatformCollection.Name)]
public sealed class KeysTests(Platform platform)
{
    [Fact]
    public async Task A_key_created_in_the_UI_works_at_the_gateway_until_it_is_revoked_in_the_UI()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("API keys", "API keys");
        await page.Locator("[data-testid=keys], [data-testid=no-keys]").First.WaitForAsync();   // list loaded: the form is stable

        var name = "ui-key-" + Guid.NewGuid().ToString("N")[..6];
        await browser.TestId("key-name").Locator("input").FillAsync(name);
        await browser.TestId("key-rpm").Locator("input").FillAsync("120");
        await browser.TestId("key-create").ClickAsync();

        var secret = (await browser.TestId("new-key-secret").InnerTextAsync()).Trim();
        Assert.False(string.IsNullOrEmpty(secret));
        await browser.TestId("new-key-copy").ClickAsync();
        await Assertions.Expect(browser.TestId("new-key-copy")).ToHaveTextAsync("Copied");
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        var row = page.Locator($"[data-testid=key-row][data-name='{name}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-revoked", "false");
        await Assertions.Expect(row).ToContainTextAsync("120/min");
        await browser.ScreenshotAsync("08-keys-created");

        Assert.Equal(HttpStatusCode.OK, await GatewayStatusAsync(secret));

        // Shown once: after "Done" (or a reload) the secret is gone from the page.
        await browser.TestId("new-key-done").ClickAsync();
        await Assertions.Expect(page.GetByText(secret)).ToHaveCountAsync(0);

        await row.GetByTestId("key-revoke").ClickAsync();
        await row.GetByTestId("key-revoke-confirm").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-revoked", "true");
        await browser.ScreenshotAsync("09-keys-revoked");

        // The gateway re-reads a cached key within about a second.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HttpStatusCode status;
        while ((status = await GatewayStatusAsync(secret)) != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        browser.AssertNoProblems();
    }

    private async Task<HttpStatusCode> GatewayStatusAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        using var response = await platform.Gateway.Http.SendAsync(request);
        return response.StatusCode;
    }
}
