using CommandLineFlags;

namespace CommandLineFlags.Tests;

public sealed class ConfigurationArgumentsTests
{
    private static readonly FlagSet Known = new(
    [
        KnownFlag.Value("urls"), KnownFlag.Value("Gateway:AdminKey"), KnownFlag.Section("Logging"), KnownFlag.Section("services"),
    ]);

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineException>(() => ConfigurationArguments.Check(args, Known)).Message;

    [Fact]
    public void AcceptsEveryFormOfTheProvider()
    {
        ConfigurationArguments.Check(
        [
            "--urls", "http://127.0.0.1:1", "--Gateway:AdminKey=k", "/Logging:LogLevel:Default", "Warning", "/urls=http://x",
            "services:inference:http:0=http://127.0.0.1:2", "--gateway:adminkey", "--value-starting-with-dashes",
        ], Known);
        ConfigurationArguments.Check([], Known);
    }

    [Fact]
    public void UnknownKeys_NameTheClosestKnownOne()
    {
        Assert.Equal("unknown flag --Gateway:AdminKye (did you mean --Gateway:AdminKey?)", Error("--Gateway:AdminKye", "k"));
        Assert.Equal("unknown flag --Gateway__AdminKey (did you mean --Gateway:AdminKey?)", Error("--Gateway__AdminKey=k"));
        Assert.Equal("unknown flag /ulrs (did you mean --urls?)", Error("/ulrs", "http://x"));
        Assert.Equal("unknown flag Gatway:AdminKey (did you mean --Gateway:AdminKey?)", Error("Gatway:AdminKey=k"));
        Assert.Equal("unknown flag --Loging:LogLevel:Default (did you mean --Logging:LogLevel:Default?)", Error("--Loging:LogLevel:Default", "Warning"));
        Assert.Equal("unknown flag --Gateway:Nothing (known flags: --urls, --Gateway:AdminKey, --Logging:<key>, --services:<key>)",
            Error("--Gateway:Nothing", "x"));
    }

    [Fact]
    public void RefusesWhatTheProviderWouldDropSilently()
    {
        Assert.Equal("--urls needs a value (--urls VALUE or --urls=VALUE)", Error("--urls"));
        Assert.Equal("unexpected argument 'stray' (flags look like --Key value or --Section:Key value)", Error("stray"));
        Assert.Equal("unexpected argument '-u' (flags look like --Key value or --Section:Key value)", Error("-u", "http://x"));
        Assert.Equal("unexpected argument '-u=http://x' (flags look like --Key value or --Section:Key value)", Error("-u=http://x"));
        Assert.Equal("unexpected argument '--=x' (flags look like --Key value or --Section:Key value)", Error("--=x"));
    }
}
