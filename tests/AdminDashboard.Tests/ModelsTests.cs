using System.Globalization;
using AdminDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AdminDashboard.Tests;

/// <summary>The Models page against ModelCacheService and the fake hub: pull with a live progress bar, list, files, delete;
/// one quantization of a GGUF repo picked from its listed .gguf files.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ModelsTests(Platform platform)
{
    [Fact]
    public async Task Pulling_stories260K_moves_the_bar_to_100_then_the_model_is_listed_and_delete_removes_it()
    {
        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Models", "Models");
        var row = page.Locator($"[data-testid=model-row][data-model='{HubRepository.StoriesId}']");
        await Assertions.Expect(row).ToHaveCountAsync(0);

        await browser.TestId("pull-model").Locator("input").FillAsync(HubRepository.StoriesId);
        await browser.TestId("pull-start").ClickAsync();

        // Watch the bar: it must show values between 0 and 100 on the way, then 100 and "completed".
        var pull = page.Locator($"[data-testid=pull][data-model='{HubRepository.StoriesId}']");
        await pull.WaitForAsync();
        var seen = new List<double>();
        var screenshotTaken = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await pull.GetAttributeAsync("data-status");
            if (double.TryParse(await pull.GetAttributeAsync("data-percent"), CultureInfo.InvariantCulture, out var percent))
            {
                if (seen.Count == 0 || seen[^1] != percent) seen.Add(percent);
                if (!screenshotTaken && percent is > 10 and < 90)
                {
                    await browser.ScreenshotAsync("05-models-pull-progress");
                    screenshotTaken = true;
                }
            }
            if (status is "completed" or "failed") break;
            Assert.True(DateTime.UtcNow < deadline, $"The pull did not finish; percentages seen: {string.Join(", ", seen)}");
            await Task.Delay(50);
        }

        Assert.Equal("completed", await pull.GetAttributeAsync("data-status"));
        Assert.Equal("100", await pull.GetAttributeAsync("data-percent"));
        Assert.True(seen.Any(p => p is > 0 and < 100), $"The bar never showed progress between 0 and 100: {string.Join(", ", seen)}");
        Assert.True(seen.SequenceEqual(seen.Order()), $"The bar went backwards: {string.Join(", ", seen)}");
        Assert.Equal("100", await pull.Locator("fluent-progress-bar").GetAttributeAsync("value"));

        // Listed, with its files.
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await row.GetByTestId("model-files").ClickAsync();
        var files = page.Locator($"[data-testid=model-details][data-model='{HubRepository.StoriesId}'] [data-testid=model-file]");
        await Assertions.Expect(files).ToHaveCountAsync(Directory.GetFiles(TestData.Stories260K).Length - 1); // without reference-greedy.json
        await Assertions.Expect(page.Locator("[data-testid=replica-row][data-name='inference-0'] [data-testid=replica-model]")).ToHaveTextAsync(Platform.Model + " · 512 tokens");
        await browser.ScreenshotAsync("06-models-pulled");

        // Delete (two clicks: delete, confirm) removes it from the list and from the cache.
        await row.GetByTestId("model-delete").ClickAsync();
        await row.GetByTestId("model-delete-confirm").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        using var list = await platform.ModelCache.Http.GetAsync("api/models");
        Assert.DoesNotContain(HubRepository.StoriesId, await list.Content.ReadAsStringAsync());
        await browser.ScreenshotAsync("07-models-deleted");
        browser.AssertNoProblems();
    }

    [Fact]
    public async Task A_gguf_repo_lists_its_quantizations_and_only_the_picked_one_is_pulled()
    {
        const string repoId = "test-org/tiny-GGUF";
        var random = new Random(18);
        HubFile Gguf(string name, int bytes)
        {
            var content = new byte[bytes];
            random.NextBytes(content);
            return new HubFile(name, content);
        }
        var picked = Gguf("tiny-Q4_K_M.gguf", 6000);
        platform.Hub.Add(HubRepository.Of(repoId, [new HubFile("README.md", "# tiny"u8.ToArray()), Gguf("tiny-Q4_0.gguf", 5000), picked, Gguf("tiny-Q8_0.gguf", 9000)]));

        await using var browser = await platform.OpenAsync();
        var page = browser.Page;
        await browser.SignInAsync();
        await browser.NavigateAsync("Models", "Models");
        await browser.TestId("pull-model").Locator("input").FillAsync(repoId);
        await browser.TestId("pull-list-gguf").ClickAsync();
        await page.Locator("[data-testid=gguf-files], [data-testid=pull-error]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.True(await browser.TestId("pull-error").CountAsync() == 0, await page.Locator("main").InnerTextAsync());
        var options = page.Locator("[data-testid=gguf-files] [data-testid=gguf-file]");
        await Assertions.Expect(options).ToHaveCountAsync(3);
        Assert.Equal(["tiny-Q4_0.gguf", "tiny-Q4_K_M.gguf", "tiny-Q8_0.gguf"],
            (await options.EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('data-name'))")).Order(StringComparer.Ordinal));
        await page.Locator("[data-testid=gguf-file][data-name='tiny-Q4_K_M.gguf']").ClickAsync();
        await Assertions.Expect(browser.TestId("pull-gguf").Locator("input")).ToHaveValueAsync("tiny-Q4_K_M.gguf");
        await browser.ScreenshotAsync("08-models-gguf-files");

        await browser.TestId("pull-start").ClickAsync();
        var pull = page.Locator($"[data-testid=pull][data-model='{repoId}']");
        await Assertions.Expect(pull).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
        Assert.Equal("tiny-Q4_K_M.gguf", await pull.GetAttributeAsync("data-gguf"));

        // Only the picked file was fetched from the hub; the cached snapshot holds it alone.
        var fetched = platform.Hub.Log.All.Where(r => r.Method == "GET" && (r.Path.StartsWith("/lfs/", StringComparison.Ordinal) || r.Path.Contains($"/{repoId}/resolve/", StringComparison.Ordinal)))
            .Select(r => r.Path).ToList();
        Assert.Contains(fetched, p => p.StartsWith($"/lfs/{picked.Sha256}", StringComparison.Ordinal));
        Assert.DoesNotContain(fetched, p => p.Contains("Q4_0", StringComparison.Ordinal) || p.Contains("Q8_0", StringComparison.Ordinal) || p.Contains("README", StringComparison.Ordinal));
        using var details = await platform.ModelCache.Http.GetAsync($"api/models/{repoId}");
        var json = System.Text.Json.JsonDocument.Parse(await details.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["tiny-Q4_K_M.gguf"], json.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        browser.AssertNoProblems();
    }
}
