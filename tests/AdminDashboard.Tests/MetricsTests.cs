using System.Globalization;
using System.Net.Http.Json;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>The Metrics page: totals and live SVG charts from the replicas' /metrics, no chart CDN.</summary>
[Collection(PlatformCollection.Name)]
public sealed class MetricsTests(Platform platform)
{
    [Fact]
    public async Task Generation_tokens_increase_on_the_page_after_requests_to_the_replica()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Metrics", "Metrics");
        var before = await TotalAsync(browser);

        // Straight to the replica (this test is about the charts; the playground test goes through the gateway).
        for (var i = 0; i < 3; i++)
        {
            using var response = await platform.Inference.Http.PostAsJsonAsync("v1/completions",
                new { model = Platform.Model, prompt = "Once upon a time", max_tokens = 40, ignore_eos = true, temperature = 0 });
            response.EnsureSuccessStatusCode();
        }

        await WaitForTotalAsync(browser, t => t >= before + 120);
        foreach (var chart in new[] { "chart-tokens", "chart-requests", "chart-kv", "chart-ttft", "chart-itl", "chart-prefix" })
            await Assertions.Expect(browser.TestId(chart).Locator("svg")).ToBeVisibleAsync();
        // The generation rate and both latency charts have data drawn (a line or a point).
        foreach (var chart in new[] { "chart-tokens", "chart-ttft", "chart-itl" })
            await Assertions.Expect(browser.TestId(chart).Locator("svg polyline, svg circle").First).ToBeAttachedAsync();
        var ttftP50 = await browser.TestId("chart-ttft").Locator("[data-testid=legend][data-series=p50]").GetAttributeAsync("data-latest");
        Assert.False(string.IsNullOrEmpty(ttftP50), "TTFT p50 has no value");

        await browser.ScreenshotAsync("04-metrics");
        browser.AssertNoProblems();
    }

    public static async Task<double> TotalAsync(DashboardPage browser)
    {
        var locator = browser.TestId("generation-tokens-total").Locator(".stat-value");
        await Assertions.Expect(locator).Not.ToHaveTextAsync("–", new() { Timeout = 60_000 });
        return double.Parse(await locator.InnerTextAsync(), CultureInfo.InvariantCulture);
    }

    public static async Task<double> WaitForTotalAsync(DashboardPage browser, Func<double, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        double total;
        while (!condition(total = await TotalAsync(browser)))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"The page's generation token total stayed at {total}.");
            await Task.Delay(200);
        }
        return total;
    }
}
