namespace Engine.Core;

/// <summary>
/// The name clients pass as "model" (vLLM's rule), one rule for the InferenceService and the AppHost that
/// routes to it: --served-model-name, else --model as given (a folder or an org/name), else the embedded model's.
/// </summary>
public static class ServedModelName
{
    /// <summary>The model the InferenceService embeds and serves when no --model is given.</summary>
    public const string Embedded = "stories260K";

    /// <summary>The served name from the flags as given (null or empty: not given).</summary>
    public static string Resolve(string? servedModelName, string? model) =>
        !string.IsNullOrEmpty(servedModelName) ? servedModelName
        : !string.IsNullOrEmpty(model) ? model
        : Embedded;
}
