using CommandLineFlags;

namespace CommandLineFlags.Tests;

public sealed class FlagArgumentsTests
{
    private static readonly FlagSet Known = new(
    [
        KnownFlag.Value("model"), KnownFlag.Value("max-model-len"), KnownFlag.Value("seed"), KnownFlag.Value("prompt"),
        KnownFlag.Switch("enable-prefix-caching"), KnownFlag.Switch("ignore-eos"), KnownFlag.Section("Inference"),
    ]);

    private static string Parse(params string[] args) =>
        string.Join(" ", FlagArguments.Parse(args, Known).Select(kv => $"{kv.Key}={kv.Value}"));

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineException>(() => FlagArguments.Parse(args, Known)).Message;

    [Fact]
    public void ReadsValuesSwitchesAndSections()
    {
        Assert.Equal("model=/m max-model-len=512 seed=-1", Parse("--model", "/m", "--max-model-len=512", "--seed", "-1"));
        Assert.Equal("prompt=a=b", Parse("--prompt=a=b"));
        Assert.Equal("prompt=", Parse("--prompt="));
        Assert.Equal("ignore-eos=true enable-prefix-caching=false", Parse("--ignore-eos", "--no-enable-prefix-caching"));
        Assert.Equal("ignore-eos=false enable-prefix-caching=true", Parse("--ignore-eos", "False", "--enable-prefix-caching=TRUE"));
        Assert.Equal("model=/m", Parse("--MODEL", "/m"));   // the known spelling, whatever the case typed
        Assert.Equal("Inference:Replicas=3", Parse("--Inference:Replicas", "3"));
    }

    [Fact]
    public void UnknownFlags_NameTheClosestKnownOne()
    {
        Assert.Equal("unknown flag --max-modle-len (did you mean --max-model-len?)", Error("--max-modle-len", "512"));
        Assert.Equal("unknown flag --max-modle-len (did you mean --max-model-len?)", Error("--model", "/m", "--max-modle-len=512"));
        Assert.Equal("unknown flag --no-enable-prefix-cachng (did you mean --no-enable-prefix-caching?)", Error("--no-enable-prefix-cachng"));
        Assert.StartsWith("unknown flag --no-model (known flags: --model, ", Error("--no-model"));   // only switches negate
    }

    [Fact]
    public void RefusesWhatWouldOtherwiseBeGuessed()
    {
        Assert.Equal("--model needs a value (--model VALUE or --model=VALUE)", Error("--model"));
        Assert.Equal("--model needs a value (--model VALUE or --model=VALUE)", Error("--model", "--ignore-eos"));
        Assert.Equal("unexpected argument 'stray' (flags look like --name value)", Error("--ignore-eos", "stray"));
        Assert.Equal("unexpected argument '-m' (flags look like --name value)", Error("-m", "x"));
        Assert.Equal("unexpected argument '--' (flags look like --name value)", Error("--"));
        Assert.Equal("--ignore-eos is a switch: give it alone, or with true or false, not 'yes'", Error("--ignore-eos=yes"));
        Assert.Equal("--no-ignore-eos takes no value", Error("--no-ignore-eos=true"));
    }

    [Theory]
    [InlineData("max-model-len", "MaxModelLen")]
    [InlineData("dtype", "Dtype")]
    [InlineData("api-key", "ApiKey")]
    public void PascalCase_IsTheConfigurationKey(string flag, string key) => Assert.Equal(key, FlagArguments.PascalCase(flag));
}
