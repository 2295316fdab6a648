using System.Text.Json;
using Engine.Tokenization;
using InferenceService.Api;

namespace InferenceService.Embeddings;

/// <summary>
/// The "input" of an embeddings request as token id lists: a string, a list of strings, a list of token ids or a
/// list of token id lists (OpenAI's four shapes), strings tokenized with the model's special tokens (BOS) as vLLM
/// does. At most 2048 inputs, none empty, none longer than the model's context.
/// </summary>
public static class EmbeddingInputs
{
    public const int MaxInputs = 2048;

    public static List<IReadOnlyList<int>> Read(JsonRequest body, ITextTokenizer tokenizer, int vocabSize, int maxModelLen)
    {
        if (body.Find("input") is not { } input) throw ApiException.BadRequest("'input' is required.", "input");
        var inputs = Tokenize(input, tokenizer);
        if (inputs.Count > MaxInputs) throw ApiException.BadRequest($"'input' may hold at most {MaxInputs} inputs, got {inputs.Count}.", "input");
        for (int i = 0; i < inputs.Count; i++)
        {
            var ids = inputs[i];
            if (ids.Count == 0) throw ApiException.BadRequest($"'input' item {i} is empty; every input needs at least one token.", "input");
            if (ids.Any(id => id < 0 || id >= vocabSize)) throw ApiException.BadRequest($"'input' token ids must be in [0, {vocabSize}).", "input");
            if (ids.Count > maxModelLen)
                throw ApiException.BadRequest($"'input' item {i} has {ids.Count} tokens; this model's maximum context length is {maxModelLen}.", "input");
        }
        return inputs;
    }

    private static List<IReadOnlyList<int>> Tokenize(JsonElement input, ITextTokenizer tokenizer)
    {
        var bad = ApiException.BadRequest("'input' must be a string, a list of strings, a list of token ids or a list of token id lists.", "input");
        if (input.ValueKind == JsonValueKind.String) return [Text(input, tokenizer)];
        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0) throw bad;
        var items = input.EnumerateArray().ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.String)) return items.Select(e => Text(e, tokenizer)).ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.Number)) return [TokenIds(items, bad)];
        if (items.All(e => e.ValueKind == JsonValueKind.Array)) return items.Select(e => (IReadOnlyList<int>)TokenIds(e.EnumerateArray().ToList(), bad)).ToList();
        throw bad;
    }

    private static IReadOnlyList<int> Text(JsonElement text, ITextTokenizer tokenizer) =>
        text.GetString() is { Length: > 0 } s ? tokenizer.Encode(s) : [];

    private static List<int> TokenIds(List<JsonElement> items, ApiException bad) =>
        items.Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int id) ? id : throw bad).ToList();
}
