using System.Text;
using AdminDashboard.Auth;
using AdminDashboard.Clients;
using AdminDashboard.Configuration;
using Microsoft.Extensions.Configuration;

namespace AdminDashboard.Tests.Units;

public sealed class ClientParsingTests
{
    [Fact]
    public async Task Sse_reader_joins_data_lines_names_events_and_skips_comments()
    {
        var text = ": keep-alive\r\nevent: progress\r\ndata: {\"a\":1}\r\n\r\ndata: line one\ndata: line two\n\nevent: completed\ndata:{}\n";
        var events = new List<SseEvent>();
        await foreach (var e in SseReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None)) events.Add(e);

        Assert.Equal([new SseEvent("progress", "{\"a\":1}"), new SseEvent("message", "line one\nline two"), new SseEvent("completed", "{}")], events);
    }

    [Fact]
    public void Health_report_reads_the_HealthChecks_UI_json_and_reports_other_bodies_as_errors()
    {
        var report = HealthReport.Parse("""
            {"status":"Degraded","totalDuration":"00:00:00.0100000","entries":{"engine":{"status":"Degraded","description":"loading",
             "duration":"00:00:00.0010000","data":{"running":0,"model":"m"},"tags":["ready"]}}}
            """, 200);

        Assert.Equal("Degraded", report.Status);
        var entry = Assert.Single(report.Entries);
        Assert.Equal(("engine", "loading", "00:00:00.0010000"), (entry.Name, entry.Description, entry.Duration));
        Assert.Equal([new("running", "0"), new("model", "m")], entry.Data);
        Assert.Equal(["ready"], entry.Tags);

        Assert.Equal(HealthReport.Unreachable, HealthReport.Parse("<html>", 502).Status);
        Assert.Equal(HealthReport.Unreachable, HealthReport.Parse("{}", 200).Status);
    }

    [Fact]
    public void Service_endpoints_come_from_the_names_the_AppHost_injects()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:gateway:http:0"] = "http://127.0.0.1:8000",
            ["services:modelcache:http:0"] = "http://127.0.0.1:8100/",
            ["services:inference:http:10"] = "http://127.0.0.1:8011",
            ["services:inference:http:2"] = "http://127.0.0.1:8003",
            ["services:inference:http:0"] = "http://127.0.0.1:8001",
            ["ConnectionStrings:redis"] = "127.0.0.1:6380,abortConnect=false",
        }).Build();

        var endpoints = ServiceEndpoints.Read(configuration);

        Assert.Equal("http://127.0.0.1:8000/", endpoints.GatewayUrl?.ToString());
        Assert.Equal("http://127.0.0.1:8100/", endpoints.ModelCacheUrl?.ToString());
        Assert.Equal(["http://127.0.0.1:8001/", "http://127.0.0.1:8003/", "http://127.0.0.1:8011/"], endpoints.InferenceUrls.Select(u => u.ToString()));
        Assert.Equal(("127.0.0.1", 6380), RedisPing.Endpoint(endpoints.Redis!));
        Assert.Throws<InvalidOperationException>(() => ServiceEndpoints.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["services:gateway:http:0"] = "not a url" }).Build()));
    }

    [Theory]
    [InlineData("/models", "/models")]
    [InlineData("/keys?x=1", "/keys?x=1")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/login?ReturnUrl=%2F", "/")]
    public void Login_returns_only_to_local_pages(string? returnUrl, string expected) =>
        Assert.Equal(expected, AdminAuthentication.SafeReturnUrl(returnUrl));

    [Fact]
    public void Admin_key_check_needs_a_configured_key_and_the_exact_key()
    {
        var verifier = new AdminKeyVerifier(new DashboardOptions { AdminKey = "right" }, TimeProvider.System);
        Assert.True(verifier.Verify("right"));
        Assert.False(verifier.Verify("Right"));
        Assert.False(verifier.Verify(""));
        Assert.False(verifier.Verify(null));

        var unset = new AdminKeyVerifier(new DashboardOptions(), TimeProvider.System);
        Assert.False(unset.IsConfigured);
        Assert.False(unset.Verify(""));
    }

    [Fact]
    public void Pull_percent_comes_from_the_bytes_and_is_100_once_completed()
    {
        var pull = new PullState { Id = "pull_1", Model = "a/b", Status = "downloading", BytesDone = 250, BytesTotal = 1000 };
        Assert.Equal(25, pull.Percent);
        Assert.Null((pull with { BytesTotal = null }).Percent);
        Assert.Equal(100, (pull with { Status = PullState.Completed, BytesTotal = null }).Percent);
        Assert.True((pull with { Status = PullState.Failed }).IsFinished);
    }

    [Fact]
    public void OpenAI_error_bodies_give_their_message_and_code()
    {
        Assert.Equal(("The API key provided has been revoked.", "invalid_api_key"),
            ServiceException.ParseError("""{"error":{"message":"The API key provided has been revoked.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""));
        Assert.Equal(("x", null), ServiceException.ParseError("""{"error":"x"}"""));
        Assert.Equal((null, null), ServiceException.ParseError("not json"));
    }
}
