using System.Text;

namespace ModelCacheService.Tests;

/// <summary>The tests' git blob hash (the blob name of plain files) equals git's own, as printed by `git hash-object`.</summary>
public sealed class GitBlobHashTests
{
    [Theory]
    [InlineData("", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")]
    [InlineData("hello\n", "ce013625030ba8dba906f756967f9e9ca394464a")]
    public void MatchesGitHashObject(string content, string expected) =>
        Assert.Equal(expected, GitBlobHash.Of(Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void MatchesGitHashObject_OnTheTestModelsConfig() =>
        Assert.Equal("65b062e78bfa1fbec4d46cd7bd1cb8565b071501", GitBlobHash.Of(File.ReadAllBytes(Path.Combine(TestData.Stories260K, "config.json"))));
}
