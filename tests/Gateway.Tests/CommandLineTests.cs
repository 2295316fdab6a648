using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Gateway.Tests;

/// <summary>
/// The gateway's command line is strict: .NET's configuration would take any <c>--Key value</c> silently, so a misspelt
/// flag ends the process with exit code 2 and names the closest known flag. Every real setting is still taken.
/// </summary>
public sealed class CommandLineTests
{
    private static Task AssertRefused(string[] args, string message) => CommandLineAssert.RefusedAsync("Gateway", args, message);

    [Theory]
    [InlineData(new[] { "--Gateway:AdminKye", "k" }, "--Gateway:AdminKye", "--Gateway:AdminKey")]
    [InlineData(new[] { "--Gateway:UpstreamApiKye=k" }, "--Gateway:UpstreamApiKye", "--Gateway:UpstreamApiKey")]
    [InlineData(new[] { "--Gateway__AdminKey", "k" }, "--Gateway__AdminKey", "--Gateway:AdminKey")]   // the environment's spelling
    [InlineData(new[] { "--ulrs", "http://127.0.0.1:1" }, "--ulrs", "--urls")]
    [InlineData(new[] { "--Gateway:CorsOrigin:0", "*" }, "--Gateway:CorsOrigin:0", "--Gateway:CorsOrigins:0")]
    [InlineData(new[] { "--Loging:LogLevel:Default", "Debug" }, "--Loging:LogLevel:Default", "--Logging:LogLevel:Default")]
    [InlineData(new[] { "--ConnectionStrings:reds", "127.0.0.1:1" }, "--ConnectionStrings:reds", "--ConnectionStrings:redis")]
    public Task UnknownFlag_NamesTheClosestKnownFlag(string[] args, string typed, string closest) =>
        AssertRefused(args, $"unknown flag {typed} (did you mean {closest}?)");

    [Fact]
    public async Task WhatConfigurationWouldDropSilently_IsRefused()
    {
        await AssertRefused(["--urls"], "--urls needs a value (--urls VALUE or --urls=VALUE)");
        await AssertRefused(["admin-key"], "unexpected argument 'admin-key' (flags look like --Key value or --Section:Key value)");
        await AssertRefused(["-u", "http://127.0.0.1:1"], "unexpected argument '-u' (flags look like --Key value or --Section:Key value)");
        var result = await ServiceCommand.RunAsync("Gateway", ["--Gateway:Nothing", "1"]);
        Assert.Equal(2, result.ExitCode);
        // The closest known setting is named; which one depends on the options class, so only its section is checked.
        Assert.StartsWith("error: unknown flag --Gateway:Nothing (did you mean --Gateway:", result.Stderr);
    }

    [Fact]
    public async Task RealFlags_AreTaken()
    {
        const string adminKey = "flag-admin-key-41";
        await using var gateway = await ServiceProcess.StartAsync("Gateway", new ServiceOptions
        {
            Args = port =>
            [
                "--urls", $"http://127.0.0.1:{port}", "--Gateway:AdminKey", adminKey, "--Gateway:CorsOrigins:0=*",
                "--Gateway:KeyRevalidateAfter", "00:00:02", "--Gateway:AccessLog", "false", "--Logging:LogLevel:Default", "Warning",
                "--environment", "Production",
            ],
            BindWithAspNetCoreUrls = false,
        });
        // The admin key came from the command line: the admin API takes it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/keys")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", adminKey) },
            Content = JsonContent.Create(new { name = "from-flags" }),
        };
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
