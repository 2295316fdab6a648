namespace InferenceService.Api;

/// <summary>
/// What one OpenAI generation endpoint adds to the request path they all share (<see cref="GenerationEndpoint"/>):
/// the fields only it reads, its prompts, and the shapes of its response and chunks. A new endpoint (or a new
/// output kind of an existing one) implements this; reading, the engine, streaming, usage and errors are shared.
/// </summary>
public interface IGenerationEndpoint
{
    /// <summary>The route, for logs: "/v1/completions".</summary>
    static abstract string Route { get; }

    /// <summary>Response ids are this prefix and a GUID: "cmpl-".</summary>
    static abstract string IdPrefix { get; }

    /// <summary>The "object" of the whole response.</summary>
    static abstract string ResponseObject { get; }

    /// <summary>The "object" of each streamed chunk.</summary>
    static abstract string ChunkObject { get; }

    /// <summary>The top-level fields of OpenAI's request schema for this endpoint (<see cref="OpenAiRequestFields"/>).</summary>
    static abstract IReadOnlySet<string> OpenAiFields { get; }

    /// <summary>Reads the endpoint's own fields (all of them: fields left unread are refused) and builds
    /// its prompts and sampling parameters.</summary>
    static abstract GenerationCall Read(JsonRequest body, GenerationRequest request, ServedModel served);
}
