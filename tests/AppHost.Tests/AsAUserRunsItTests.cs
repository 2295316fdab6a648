using System.ClientModel;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using OpenAI;
using OpenAI.Chat;

namespace AppHost.Tests;

/// <summary>The system started as a user starts it (<c>dotnet run --project AppHost</c>), shared by the tests of the class.</summary>
public sealed class RunningAppHostFixture : IAsyncLifetime
{
    public RunningAppHost App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await RunningAppHost.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// As a user: <c>dotnet run --project AppHost</c> prints the Aspire dashboard's login URL, an API key and the gateway's
/// address; the OpenAI SDK streams through the gateway with that key, and the Aspire dashboard shows the request's trace
/// with spans of the gateway and of an inference replica.
/// </summary>
public sealed class AsAUserRunsItTests(RunningAppHostFixture fixture) : IClassFixture<RunningAppHostFixture>
{
    private RunningAppHost App => fixture.App;

    [Fact]
    public async Task The_OpenAI_SDK_streams_through_the_gateway_with_the_printed_key()
    {
        var chat = new ChatClient("stories260K", new ApiKeyCredential(App.ApiKey),
            new OpenAIClientOptions { Endpoint = new Uri(App.Gateway, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });
        var text = new StringBuilder();
        var chunks = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")],
                           new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 }))
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                chunks++;
            }
        Assert.True(chunks > 1 && text.Length > 0, $"{chunks} chunks: '{text}'");
    }

    [Fact]
    public async Task The_Aspire_dashboard_shows_one_trace_across_the_gateway_and_a_replica()
    {
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using (var http = new HttpClient { BaseAddress = App.Gateway })
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
               {
                   Content = JsonContent.Create(new { model = "stories260K", prompt = "Once upon a time", max_tokens = 8 }),
               })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", App.ApiKey);
            request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = HeadlessChromium.ExecutablePath, Headless = true, Args = HeadlessChromium.Args,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        await page.GotoAsync(App.DashboardLogin.ToString());
        var detail = new Uri(App.DashboardLogin, $"/traces/detail/{traceId}").ToString();

        // Telemetry arrives within a second or two (the AppHost sets a 1 s export interval): reload until both services show.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string text;
        do
        {
            await page.GotoAsync(detail);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            text = await page.InnerTextAsync("body");
        }
        while (!(text.Contains("gateway", StringComparison.Ordinal) && text.Contains("inference-", StringComparison.Ordinal)) && DateTime.UtcNow < deadline);

        var screenshot = Path.Combine(BuildOutput.RepositoryRoot, "artifacts", "screenshots", "aspire-dashboard-trace.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(text.Contains("gateway", StringComparison.Ordinal) && text.Contains("inference-", StringComparison.Ordinal),
            $"The trace page {detail} (screenshot {screenshot}) does not show both services:\n{text}");
        Assert.Contains("llm.request", text);
    }
}
