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
        await browser.OpenPlaygroundWithNewKeyAsync("playground-" + Guid.NewGuid().ToString("N")[..6]);
        await Assertions.Expect(browser.TestId("playground-model")).ToHaveValueAsync(Platform.Model);

        var story = StoriesReference.All[0];
        var reply = await browser.AskGreedyAsync(story.Prompt, story.GreedyTokenIds.Length);
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
