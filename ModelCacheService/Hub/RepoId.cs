using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ModelCacheService.Hub;

/// <summary>A model repository on the hub, "org/name", validated like huggingface_hub's validate_repo_id.</summary>
public readonly partial record struct RepoId(string Org, string Name)
{
    /// <summary>The cache folder name huggingface_hub uses: models--{org}--{name}.</summary>
    public string CacheFolderName => $"models--{Org}--{Name}";

    public override string ToString() => $"{Org}/{Name}";

    public static bool TryParse(string? text, [NotNullWhen(true)] out RepoId? repo)
    {
        repo = null;
        if (text is null) return false;
        var slash = text.IndexOf('/');
        if (slash < 0) return false;
        return TryCreate(text[..slash], text[(slash + 1)..], out repo);
    }

    public static bool TryCreate(string org, string name, [NotNullWhen(true)] out RepoId? repo)
    {
        repo = null;
        if (!IsValidPart(org) || !IsValidPart(name)) return false;
        repo = new RepoId(org, name);
        return true;
    }

    /// <summary>
    /// huggingface_hub's rule: letters, digits, '-', '_', '.', at most 96 characters, no leading or trailing
    /// '-' or '.', and no "--" or ".." (which would make the cache folder name ambiguous or a path escape).
    /// </summary>
    private static bool IsValidPart(string part) =>
        part.Length is > 0 and <= 96 && Part().IsMatch(part) && !part.Contains("--") && !part.Contains("..");

    [GeneratedRegex(@"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex Part();
}
