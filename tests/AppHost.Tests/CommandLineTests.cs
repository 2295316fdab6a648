using AdminDashboard.Configuration;
using AppHost.Configuration;
using AppHost.Resources;
using CommandLineFlags;
using Gateway.Configuration;
using ModelCacheService.Configuration;

namespace AppHost.Tests;

/// <summary>The AppHost's command line: vLLM-style engine flags become Engine configuration (which reaches every replica,
/// see PublishTests), settings and Aspire's own options pass through, and an unknown flag stops it with the closest
/// known one named.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Engine_flags_become_Engine_configuration()
    {
        Assert.Equal(
            ["--Engine:Model=/models/x", "--Engine:MaxModelLen=512", "--Engine:EnablePrefixCaching=false", "--Engine:Dtype=bfloat16"],
            AppHostArguments.ToAspire(["--model", "/models/x", "--max-model-len", "512", "--no-enable-prefix-caching", "--dtype=bfloat16"]));
    }

    [Fact]
    public void Settings_Aspire_options_and_random_ports_pass_through()
    {
        Assert.Equal(
            ["--Inference:Replicas=3", "--publisher=manifest", "--output-path=out.json", "--DcpPublisher:RandomizePorts=true",
                "--Gateway:CorsOrigins:0=https://app.example", "--Engine:MaxNumSeqs=8"],
            AppHostArguments.ToAspire(["--Inference:Replicas", "3", "--publisher", "manifest", "--output-path", "out.json", "--random-ports",
                "--Gateway:CorsOrigins:0", "https://app.example", "--Engine:MaxNumSeqs", "8"]));
    }

    [Theory]
    [InlineData("--max-modle-len", "5", "unknown flag --max-modle-len (did you mean --max-model-len?)")]
    [InlineData("--no-enable-prefix-cachng", null, "unknown flag --no-enable-prefix-cachng (did you mean --no-enable-prefix-caching?)")]
    [InlineData("--Inference:Replica", "3", "unknown flag --Inference:Replica (did you mean --Inference:Replicas?)")]
    [InlineData("--Gateway:HealthCheckIntervall=00:00:01", null, "unknown flag --Gateway:HealthCheckIntervall (did you mean --Gateway:HealthCheckInterval?)")]
    [InlineData("--randomports", null, "unknown flag --randomports (did you mean --random-ports?)")]
    public async Task An_unknown_flag_stops_the_AppHost_naming_the_closest_known_one(string flag, string? value, string message) =>
        await CommandLineAssert.RefusedAsync("AppHost", value is null ? [flag] : [flag, value], message);

    [Theory]
    [InlineData("--publisher kubernetes", "--publisher kubernetes needs --output-path <path>")]
    [InlineData("--publisher compose", "--publisher compose needs --output-path <path>")]
    [InlineData("--publisher helm --output-path deploy/k8s", "unknown publisher --publisher helm (known: manifest, compose, kubernetes)")]
    public async Task A_publisher_must_be_known_and_have_an_output_path(string args, string message) =>
        await CommandLineAssert.RefusedAsync("AppHost", args.Split(' '), message);

    [Fact]
    public async Task A_replica_listens_where_its_endpoint_says_so_host_and_port_are_refused()
    {
        var result = await ServiceCommand.RunAsync("AppHost", ["--port", "9000"]);
        Assert.Equal(CommandLineException.ExitCode, result.ExitCode);
        Assert.StartsWith("error: unknown flag --port", result.Stderr);
    }

    [Fact]
    public void The_service_settings_passed_on_are_the_ones_the_services_read()
    {
        static IEnumerable<string> Keys(IEnumerable<KnownFlag> flags) => flags.Select(f => f.Name[(f.Name.IndexOf(':') + 1)..]).Order();
        Assert.Equal(Keys(OptionsFlags.Of<GatewayOptions>(GatewayOptions.SectionName)),
            ServiceSettings.Gateway.Concat(ServiceSettings.GatewayLists).Concat(ServiceSettings.GatewayTls).Append("AdminKey").Append("AdminUrls")
                .Append("UpstreamApiKey").Append("UpstreamAdminKey").Order());
        Assert.Equal(Keys([.. OptionsFlags.Of<DownloadSettings>(DownloadSettings.SectionName), .. OptionsFlags.Of<AccessSettings>(DownloadSettings.SectionName)]),
            ServiceSettings.ModelCache.Append("ApiKey").Order());
        Assert.Equal(Keys(OptionsFlags.Of<DashboardOptions>(DashboardOptions.SectionName)),
            ServiceSettings.Dashboard.Append("AdminKey").Append("InferenceApiKey").Append("AspireDashboardUrl").Order());
    }

    [Fact]
    public void Restart_delay_doubles_up_to_30_seconds()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(n => (int)CrashedServiceRestarter.DelayAfter(n).TotalSeconds));
    }
}
