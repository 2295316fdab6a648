using CommandLineFlags;

namespace CommandLineFlags.Tests;

public sealed class SpellingTests
{
    [Theory]
    [InlineData("max-model-len", "max-model-len", 0)]
    [InlineData("max-modle-len", "max-model-len", 1)]   // adjacent letters swapped: one edit
    [InlineData("max-mdel-len", "max-model-len", 1)]
    [InlineData("max-moddel-len", "max-model-len", 1)]
    [InlineData("max-mxdel-len", "max-model-len", 1)]
    [InlineData("MAX-MODEL-LEN", "max-model-len", 0)]   // case is ignored
    [InlineData("", "port", 4)]
    [InlineData("abc", "ca", 3)]                        // optimal string alignment: a swapped pair is not edited again
    [InlineData("kitten", "sitting", 3)]
    public void Distance_CountsEdits(string a, string b, int expected)
    {
        Assert.Equal(expected, Spelling.Distance(a, b));
        Assert.Equal(expected, Spelling.Distance(b, a));
    }

    [Theory]
    [InlineData("prot", "port", true)]
    [InlineData("pot", "port", true)]
    [InlineData("model", "port", false)]
    [InlineData("max-model", "max-model-len", true)]    // four letters short of thirteen
    [InlineData("max", "max-model-len", false)]
    public void IsClose_AllowsAnEditPerThreeLetters(string typed, string known, bool close) =>
        Assert.Equal(close, Spelling.IsClose(typed, known));

    [Fact]
    public void Closest_PicksTheNearest_FirstOfEquals_OrNone()
    {
        Assert.Equal("generate", Spelling.Closest("genrate", ["serve", "generate", "bench", "bench-serve"]));
        Assert.Equal("bench", Spelling.Closest("bnch", ["bench", "bench-serve"]));
        Assert.Equal("top-p", Spelling.Closest("top-x", ["top-p", "top-k"]));
        Assert.Null(Spelling.Closest("frobnicate", ["serve", "generate", "bench"]));
    }
}
