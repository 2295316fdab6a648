using System.Security.Cryptography;

namespace ModelCacheService.Pulls;

/// <summary>Pull ids: "pull_" and 24 random hex digits, unique across replicas without coordination.</summary>
public static class PullIds
{
    public static string New() => "pull_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The Redis/claim key of a pull: one running pull per model, revision and choice of files.</summary>
    public static string ClaimKey(string model, string revision, PullSelection selection) =>
        selection.IsEverything ? $"{model}@{revision}" : $"{model}@{revision}#{selection.Key}";
}
