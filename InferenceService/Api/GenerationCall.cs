using Engine.Sampling;

namespace InferenceService.Api;

/// <summary>
/// An endpoint's reading of one request: the prompts to generate from (each one n times), the sampling parameters
/// for all of them (MaxTokens and Logprobs set), and how each choice is shaped for the client.
/// </summary>
public sealed record GenerationCall(IReadOnlyList<IReadOnlyList<int>> Prompts, SamplingParams Sampling, Func<ChoiceInput, ChoiceOutput> NewChoice)
{
    /// <summary>Decode special tokens into the text too (a parser reads them); the token that ended the sequence stays out.</summary>
    public bool KeepSpecialTokens { get; init; }
}
