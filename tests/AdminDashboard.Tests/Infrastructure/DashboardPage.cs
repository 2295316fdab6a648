using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AdminDashboard.Tests.Infrastructure;

/// <summary>
/// A browser page on the dashboard with the helpers the tests share: sign in, go to a page and wait until it is
/// interactive (the Blazor circuit is connected), screenshots under TestResults/screenshots, and a record of
/// what would be wrong whatever the test: uncaught script errors and requests that leave 127.0.0.1.
/// </summary>
public sealed class DashboardPage(IBrowserContext context, IPage page, Platform platform) : IAsyncDisposable
{
    public static string ScreenshotFolder { get; } = Path.Combine(BuildOutput.RepositoryRoot, "TestResults", "screenshots");

    private readonly List<string> _problems = Record(context, page);
    private readonly List<string> _console = RecordConsole(page);

    public IPage Page => page;
    public Platform Platform => platform;

    private static List<string> Record(IBrowserContext context, IPage page)
    {
        var problems = new List<string>();
        page.PageError += (_, error) => { lock (problems) problems.Add("page error: " + error); };
        context.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is "http" or "https" or "ws" or "wss" && url.Host != "127.0.0.1")
                lock (problems) problems.Add("external request: " + request.Url);
        };
        return problems;
    }

    private static List<string> RecordConsole(IPage page)
    {
        var lines = new List<string>();
        page.Console += (_, message) => { lock (lines) lines.Add($"{message.Type}: {message.Text}"); };
        return lines;
    }

    /// <summary>The browser console so far, for failure messages.</summary>
    public string ConsoleLog
    {
        get { lock (_console) return string.Join("\n", _console); }
    }

    public ILocator TestId(string id) => page.GetByTestId(id);

    /// <summary>Signs in with <paramref name="adminKey"/> on the login page (where any protected page redirects).</summary>
    public async Task SignInAsync(string adminKey = Platform.AdminKey, string path = "/")
    {
        await page.GotoAsync(path);
        await page.WaitForURLAsync(new Regex("/login"));
        await TestId("admin-key").FillAsync(adminKey);
        await TestId("sign-in").ClickAsync();
        if (adminKey == Platform.AdminKey) await WaitInteractiveAsync();
    }

    /// <summary>Follows a link of the navigation (client-side, in the same circuit) and waits for the page's heading.</summary>
    public async Task NavigateAsync(string linkText, string heading)
    {
        await page.Locator("nav").GetByText(linkText, new LocatorGetByTextOptions { Exact = true }).ClickAsync();
        await page.Locator("h1", new PageLocatorOptions { HasText = heading }).WaitForAsync();
    }

    /// <summary>Waits until the page runs interactively (prerendered HTML ignores clicks until the circuit is up).</summary>
    public async Task WaitInteractiveAsync()
    {
        try
        {
            await page.Locator(".shell[data-interactive='true']").WaitForAsync();
        }
        catch (TimeoutException e)
        {
            var shot = await ScreenshotAsync("failed-not-interactive");
            throw new TimeoutException($"{page.Url} did not become interactive (screenshot {shot}).\nBrowser console:\n{ConsoleLog}", e);
        }
    }

    /// <summary>Creates a key on the API keys page and opens the playground with it (the key handed over in the session).</summary>
    public async Task OpenPlaygroundWithNewKeyAsync(string keyName)
    {
        await NavigateAsync("API keys", "API keys");
        // The page loads its key list after rendering; filling the form before that re-render loses the input.
        await page.Locator("[data-testid=keys], [data-testid=no-keys]").First.WaitForAsync();
        await TestId("key-name").Locator("input").FillAsync(keyName);
        await TestId("key-create").ClickAsync();
        await TestId("new-key-playground").ClickAsync();
        await page.Locator("h1", new() { HasText = "Playground" }).WaitForAsync();
        await Assertions.Expect(TestId("playground-key-name")).ToBeVisibleAsync();
    }

    /// <summary>Sends <paramref name="prompt"/> from the playground at temperature 0 and waits for the whole reply, which it returns
    /// (its text is in .message-text).</summary>
    public async Task<ILocator> AskGreedyAsync(string prompt, int maxTokens)
    {
        await TestId("playground-temperature").FocusAsync();
        await page.Keyboard.PressAsync("Home");   // the slider's minimum: 0
        await Assertions.Expect(page.Locator("label", new() { HasText = "Temperature" })).ToContainTextAsync("0.00");
        await TestId("playground-max-tokens").Locator("input").FillAsync(maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await TestId("playground-input").Locator("textarea").FillAsync(prompt);
        await TestId("playground-send").ClickAsync();
        var reply = TestId("assistant-message");
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-done", "true", new() { Timeout = 90_000 });
        await Assertions.Expect(TestId("chat-error")).ToHaveCountAsync(0);
        return reply;
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>No uncaught script error and no request to anything but 127.0.0.1 (no CDN) so far.</summary>
    public void AssertNoProblems()
    {
        lock (_problems) Assert.True(_problems.Count == 0, string.Join("\n", _problems));
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
