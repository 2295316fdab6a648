using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>
/// The Models page's Deployments panel through the gateway onto the real replica: pull stories260K from the fake hub, deploy
/// it under another name (its progress line reaching ready), chat with it in the playground — at temperature 0 the deployed
/// copy answers llama2.c's greedy reference, as the startup model does — and undeploy it; bad deployments (a missing model, an unknown repo, a gated repo without a token)
/// show their errors.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DeploymentsTests(Platform platform)
{
    private const string Deployed = "stories-deployed";

    [Fact]
    public async Task Pull_deploy_chat_in_the_playground_and_undeploy()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Models", "Models");
        await page.Locator("[data-testid=deployment-list], [data-testid=no-deployments]").First.WaitForAsync();

        await browser.TestId("pull-model").Locator("input").FillAsync(HubRepository.StoriesId);
        await browser.TestId("pull-start").ClickAsync();
        var pull = page.Locator($"[data-testid=pull][data-model='{HubRepository.StoriesId}']");
        await Assertions.Expect(pull).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 90_000 });

        await browser.TestId("deploy-model").Locator("input").FillAsync(HubRepository.StoriesId);
        await browser.TestId("deploy-name").Locator("input").FillAsync(Deployed);
        await browser.TestId("deploy-replicas").Locator("input").FillAsync("1");
        await browser.TestId("deploy-chat-template").Locator("input").FillAsync(Platform.ChatTemplate);
        await browser.TestId("deploy-start").ClickAsync();
        var row = page.Locator($"[data-testid=deployment-row][data-name='{Deployed}']");
        await row.WaitForAsync();
        await browser.ScreenshotAsync("20-deployment-started");
        await Assertions.Expect(row.GetByTestId("deployment-state")).ToHaveTextAsync("ready", new() { Timeout = 90_000 });
        await Assertions.Expect(row.Locator("[data-testid=deployment-replica][data-name='inference-0']")).ToHaveAttributeAsync("data-state", "ready");
        await Assertions.Expect(browser.TestId("deploy-error")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"[data-testid=replica-row][data-name='inference-0'] [data-testid=replica-model]", new() { HasText = Deployed }))
            .ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("21-deployment-ready");

        // The playground lists the deployed model; its greedy reply is the reference's.
        await browser.OpenPlaygroundWithNewKeyAsync("deployed-" + Guid.NewGuid().ToString("N")[..6]);
        await browser.TestId("playground-model").SelectOptionAsync(Deployed);
        var story = StoriesReference.All[0];
        var reply = await browser.AskGreedyAsync(story.Prompt, story.GreedyTokenIds.Length);
        Assert.Equal(story.GreedyText, await reply.Locator(".message-text").TextContentAsync());
        await browser.ScreenshotAsync("22-playground-deployed-model");

        await browser.NavigateAsync("Models", "Models");
        row = page.Locator($"[data-testid=deployment-row][data-name='{Deployed}']");
        await row.GetByTestId("undeploy").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator($"[data-testid=replica-model]", new() { HasText = Deployed })).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("23-undeployed");
        using var gone = await platform.ModelCache.Http.DeleteAsync($"api/models/{HubRepository.StoriesId}");   // as the pull test expects to find it
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task Bad_deployments_show_their_errors_and_a_failed_load_can_be_undeployed()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Models", "Models");
        await page.Locator("[data-testid=deployment-list], [data-testid=no-deployments]").First.WaitForAsync();

        await browser.TestId("deploy-start").ClickAsync();
        await Assertions.Expect(browser.TestId("deploy-error")).ToContainTextAsync("Enter a model");

        await browser.TestId("deploy-model").Locator("input").FillAsync("/no/such/model");
        await browser.TestId("deploy-start").ClickAsync();
        await Assertions.Expect(browser.TestId("deploy-error")).ToContainTextAsync("400");

        await browser.TestId("deploy-model").Locator("input").FillAsync("test-org/no-such-repo");
        await browser.TestId("deploy-replicas").Locator("input").FillAsync("5");
        await browser.TestId("deploy-start").ClickAsync();
        await Assertions.Expect(browser.TestId("deploy-error")).ToContainTextAsync("reachable");

        // Accepted (the repo is only looked up when the replica pulls it), then failed with the hub's answer.
        await browser.TestId("deploy-replicas").Locator("input").FillAsync("1");
        await browser.TestId("deploy-start").ClickAsync();
        var row = page.Locator("[data-testid=deployment-row][data-name='test-org/no-such-repo']");
        await Assertions.Expect(row.GetByTestId("deployment-state")).ToHaveTextAsync("failed", new() { Timeout = 90_000 });
        await Assertions.Expect(row.GetByTestId("deployment-error")).ToContainTextAsync("no-such-repo");
        await browser.ScreenshotAsync("24-deployment-failed");
        await row.GetByTestId("undeploy").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 90_000 });

        // A gated repo without a token: failed with the hub's refusal and the hint to set HF_TOKEN.
        const string gated = "test-org/gated-stories";
        platform.Hub.Add(HubRepository.Of(gated, [.. HubRepository.ModelFiles()]));
        platform.Hub.Switches.RequiredToken = "hf_secret-for-the-dashboard";
        try
        {
            await browser.TestId("deploy-model").Locator("input").FillAsync(gated);
            await browser.TestId("deploy-start").ClickAsync();
            row = page.Locator($"[data-testid=deployment-row][data-name='{gated}']");
            await Assertions.Expect(row.GetByTestId("deployment-state")).ToHaveTextAsync("failed", new() { Timeout = 90_000 });
            await Assertions.Expect(row.GetByTestId("deployment-error")).ToContainTextAsync("HF_TOKEN");
            await browser.ScreenshotAsync("25-deployment-gated");
        }
        finally
        {
            platform.Hub.Switches.RequiredToken = null;
        }
        await row.GetByTestId("undeploy").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("[data-testid=replica-row][data-name='inference-0'] [data-testid=replica-model]").First).ToContainTextAsync(Platform.Model);
    }
}
