using Engine.Core;

namespace InferenceService.Serving;

/// <summary>
/// What to serve under one name: <paramref name="Source"/> as given (a local path or an HF repo id pulled through the
/// model cache), the engine options (Options.Model is the source until it is pulled), the --chat-template override,
/// the revision to pull, and how long the model stays loaded while idle (null: forever).
/// </summary>
public sealed record ModelSpec(string Source, string Name, EngineOptions Options, string? ChatTemplate, string Revision, TimeSpan? KeepAlive)
{
    /// <summary>Whether <paramref name="other"/> asks for the same model (so a second load of it joins this one).</summary>
    public bool SameModelAs(ModelSpec other) => Source == other.Source && Revision == other.Revision && Options == other.Options && ChatTemplate == other.ChatTemplate;
}
