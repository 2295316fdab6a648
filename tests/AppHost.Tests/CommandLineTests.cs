using AppHost.Configuration;
using AppHost.Resources;

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
            ["--Inference:Replicas=3", "--publisher=manifest", "--output-path=out.json", "--DcpPublisher:RandomizePorts=true"],
            AppHostArguments.ToAspire(["--Inference:Replicas", "3", "--publisher", "manifest", "--output-path", "out.json", "--random-ports"]));
    }

    [Fact]
    public void Restart_delay_doubles_up_to_30_seconds()
    {
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(n => (int)CrashedServiceRestarter.DelayAfter(n).TotalSeconds));
    }
}
