using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>The overview: every service's /health (status, each check, duration), refreshed live, and the resource URLs.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OverviewTests(Platform platform)
{
    [Fact]
    public async Task Shows_every_service_healthy_with_its_checks_and_url_and_refreshes()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();

        foreach (var name in new[] { "gateway", "modelcache", "inference-0", "redis", "dashboard" })
        {
            var card = page.Locator($"[data-testid=health-card][data-name='{name}']");
            await Assertions.Expect(card).ToHaveAttributeAsync("data-status", "Healthy", new() { Timeout = 60_000 });
            await Assertions.Expect(card.Locator("[data-testid=health-entry]").First).ToBeVisibleAsync();
        }
        var rows = page.Locator("[data-testid=resource-row]");
        await Assertions.Expect(rows.Locator($"a[href='{platform.Inference.BaseAddress}']")).ToBeVisibleAsync();
        await Assertions.Expect(rows.Locator($"a[href='{platform.Gateway.BaseAddress}']")).ToBeVisibleAsync();
        await Assertions.Expect(rows.Locator($"a[href='{platform.ModelCache.BaseAddress}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=resource-row][data-name='redis']")).ToContainTextAsync($"redis://{platform.Redis.ConnectionString}");
        // The inference replica's own checks (its engine) are listed, not just "self".
        var inferenceChecks = await page.Locator("[data-testid=health-card][data-name='inference-0'] [data-testid=health-entry]").CountAsync();
        Assert.True(inferenceChecks >= 2, $"inference-0 lists {inferenceChecks} checks");

        // Live: the time of the last check moves on without reloading the page.
        var checkedAt = await browser.TestId("checked-at").InnerTextAsync();
        await Assertions.Expect(browser.TestId("checked-at")).Not.ToHaveTextAsync(checkedAt, new() { Timeout = 90_000 });

        await browser.ScreenshotAsync("03-overview");
        browser.AssertNoProblems();
    }
}
