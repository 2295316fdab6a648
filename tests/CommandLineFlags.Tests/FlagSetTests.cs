using CommandLineFlags;

namespace CommandLineFlags.Tests;

public sealed class FlagSetTests
{
    private static readonly FlagSet Engine = new(
    [
        KnownFlag.Value("model"), KnownFlag.Value("max-model-len"), KnownFlag.Value("max-num-seqs"), KnownFlag.Value("port"),
        KnownFlag.Switch("enable-prefix-caching"),
    ]);

    private static readonly FlagSet Service = new(
    [
        KnownFlag.Value("urls"), KnownFlag.Value("Gateway:AdminKey"), KnownFlag.Value("Gateway:UpstreamApiKey"),
        KnownFlag.Section("Logging"), KnownFlag.Section("Gateway:CorsOrigins"), KnownFlag.Value("ConnectionStrings:redis"),
    ]);

    [Theory]
    [InlineData("max-model-len", "max-model-len")]
    [InlineData("Max-Model-Len", "max-model-len")]
    [InlineData("enable-prefix-caching", "enable-prefix-caching")]
    [InlineData("gateway:adminkey", "Gateway:AdminKey")]
    public void Find_MatchesNamesIgnoringCase(string typed, string expected)
    {
        var flags = typed.Contains(':') ? Service : Engine;
        Assert.Equal(expected, flags.Find(typed)?.Name);
    }

    [Theory]
    [InlineData("Logging:LogLevel:Default", "Logging")]
    [InlineData("logging:loglevel:Microsoft.AspNetCore", "Logging")]
    [InlineData("Gateway:CorsOrigins:0", "Gateway:CorsOrigins")]
    public void Find_ASectionTakesAnyKeyBelowIt(string typed, string section) =>
        Assert.Equal(section, Service.Find(typed)?.Name);

    [Theory]
    [InlineData("Logging")]                 // the section itself is not a key
    [InlineData("Logging:")]
    [InlineData("LoggingX:LogLevel")]
    [InlineData("Gateway:AdminKey:Extra")]
    [InlineData("Gateway__AdminKey")]       // environment-variable spelling; the command line uses ':'
    public void Find_RefusesWhatIsNotAKnownKey(string typed) => Assert.Null(Service.Find(typed));

    [Theory]
    [InlineData("max-modle-len", "max-model-len")]
    [InlineData("max-model_len", "max-model-len")]
    [InlineData("max-num-seq", "max-num-seqs")]
    [InlineData("prot", "port")]
    [InlineData("enable-prefix-cachng", "enable-prefix-caching")]
    [InlineData("no-enable-prefix-cachng", "no-enable-prefix-caching")]
    [InlineData("MODLE", "model")]
    public void Suggest_NamesTheClosestFlag(string typed, string expected) => Assert.Equal(expected, Engine.Suggest(typed));

    [Theory]
    [InlineData("Gateway:AdminKye", "Gateway:AdminKey")]
    [InlineData("Gatway:AdminKey", "Gateway:AdminKey")]
    [InlineData("Gateway__AdminKey", "Gateway:AdminKey")]
    [InlineData("Gateway:UpstreamApiKye", "Gateway:UpstreamApiKey")]
    [InlineData("ulrs", "urls")]
    [InlineData("ConnectionStrings:reds", "ConnectionStrings:redis")]
    [InlineData("Loging:LogLevel:Default", "Logging:LogLevel:Default")]   // the section corrected, the key kept
    [InlineData("Gateway:CorsOrigin:0", "Gateway:CorsOrigins:0")]
    [InlineData("Loging", "Logging:<key>")]
    public void Suggest_WorksForConfigurationKeysAndSections(string typed, string expected) => Assert.Equal(expected, Service.Suggest(typed));

    [Theory]
    [InlineData("temperature")]
    [InlineData("x")]
    [InlineData("Foo:LogLevel:Default:Something:Long")]   // a long key after the section does not make any section close
    public void Suggest_NothingWhenNothingIsClose(string typed)
    {
        Assert.Null(Engine.Suggest(typed));
        Assert.Null(Service.Suggest(typed));
    }

    [Fact]
    public void Unknown_SaysDidYouMean_OrListsTheFlags()
    {
        Assert.Equal("unknown flag --max-modle-len (did you mean --max-model-len?)", Engine.Unknown("--max-modle-len").Message);
        Assert.Equal("unknown flag /Gatway:AdminKey (did you mean --Gateway:AdminKey?)", Service.Unknown("/Gatway:AdminKey").Message);
        Assert.Equal("unknown flag --temperature (known flags: --model, --max-model-len, --max-num-seqs, --port, --[no-]enable-prefix-caching)",
            Engine.Unknown("--temperature").Message);
    }

    [Fact]
    public void With_AddsFlagsAndLeavesTheOriginal()
    {
        var serve = Engine.With([KnownFlag.Value("api-key")]);
        Assert.NotNull(serve.Find("api-key"));
        Assert.NotNull(serve.Find("model"));
        Assert.Null(Engine.Find("api-key"));
    }
}
