using System.Globalization;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>
/// The playground chats with the embedded model through the gateway, streamed; at temperature 0 the reply is llama2.c's
/// greedy text (the replica's chat template renders BOS and the user's message alone: the reference's raw prompt). The
/// Metrics page sees the tokens.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PlaygroundTests(Platform platform)
{
    [Fact]
    public async Task Streams_the_llama2c_reference_reply_at_temperature_0_through_the_gateway_with_a_new_key_and_the_metrics_page_counts_its_tokens()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Metrics", "Metrics");
        var before = await MetricsTests.TotalAsync(browser);

        // A key made for it, handed to the playground in the same session.
        await browser.NavigateAsync("API keys", "API keys");
        // The page loads its key list after rendering; filling the form before that re-render loses the input.
        await page.Locator("[data-testid=keys], [data-testid=no-keys]").First.WaitForAsync();
        await browser.TestId("key-name").Locator("input").FillAsync("playground-" + Guid.NewGuid().ToString("N")[..6]);
        await browser.TestId("key-create").ClickAsync();
        await browser.TestId("new-key-playground").ClickAsync();
        await page.Locator("h1", new() { HasText = "Playground" }).WaitForAsync();
        await Assertions.Expect(browser.TestId("playground-key-name")).ToBeVisibleAsync();
        await Assertions.Expect(browser.TestId("playground-model")).ToHaveValueAsync(Platform.Model);

        var story = StoriesReference.All[0];
        await browser.TestId("playground-temperature").FocusAsync();
        await page.Keyboard.PressAsync("Home");   // the slider's minimum: 0
        await Assertions.Expect(page.Locator("label", new() { HasText = "Temperature" })).ToContainTextAsync("0.00");
        await browser.TestId("playground-max-tokens").Locator("input").FillAsync(story.GreedyTokenIds.Length.ToString(CultureInfo.InvariantCulture));
        await browser.TestId("playground-input").Locator("textarea").FillAsync(story.Prompt);
        await browser.TestId("playground-send").ClickAsync();

        var reply = browser.TestId("assistant-message");
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 90_000 });
        await Assertions.Expect(browser.TestId("chat-error")).ToHaveCountAsync(0);
        Assert.Equal(story.GreedyText, await reply.Locator(".message-text").TextContentAsync());
        var chunks = int.Parse((await reply.GetAttributeAsync("data-chunks"))!);
        Assert.True(chunks > 5, $"The reply came in {chunks} chunk(s): not streamed");
        await Assertions.Expect(browser.TestId("reply-stats")).ToContainTextAsync("tokens");
        await browser.ScreenshotAsync("10-playground");

        await browser.NavigateAsync("Metrics", "Metrics");
        await MetricsTests.WaitForTotalAsync(browser, t => t > before);
        await browser.ScreenshotAsync("11-metrics-after-chat");
        browser.AssertNoProblems();
    }
}
