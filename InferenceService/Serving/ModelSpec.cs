using Engine.Core;
using Engine.Lora;

namespace InferenceService.Serving;

/// <summary>
/// What to serve under one name: <paramref name="Source"/> as given (a local path or an HF repo id pulled through the
/// model cache), the engine options (Options.Model is the source until it is pulled), the --chat-template override,
/// the revision to pull, and how long the model stays loaded while idle (null: forever).
/// </summary>
public sealed record ModelSpec(string Source, string Name, EngineOptions Options, string? ChatTemplate, string Revision, TimeSpan? KeepAlive)
{
    /// <summary>Whether <paramref name="other"/> asks for the same model (so a second load of it joins this one). The
    /// options' adapter list compares by its entries: record equality would compare the list instances.</summary>
    public bool SameModelAs(ModelSpec other) => Source == other.Source && Revision == other.Revision && ChatTemplate == other.ChatTemplate
        && Options with { LoraModules = NoAdapters } == other.Options with { LoraModules = NoAdapters }
        && Options.LoraModules.SequenceEqual(other.Options.LoraModules);

    private static readonly LoraModule[] NoAdapters = [];
}
