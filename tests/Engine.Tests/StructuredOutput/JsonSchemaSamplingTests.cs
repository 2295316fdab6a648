using System.Text.Json;
using Engine.StructuredOutput;

namespace Engine.Tests.StructuredOutput;

/// <summary>
/// Every schema of <see cref="StructuredOutputCases"/>, for each tokenizer kind, generated from random logits: each
/// output ends with end-of-sequence within max_tokens and is valid under JsonSchema.Net.
/// </summary>
public class JsonSchemaSamplingTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var vocabulary in Vocabularies.Names)
        {
            foreach (var name in StructuredOutputCases.Schemas.Keys) data.Add(vocabulary, name);
            data.Add(vocabulary, "json_object");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RandomLogits_GiveValidJson_EndedByEos(string vocabulary, string schemaName)
    {
        var (_, tokens) = Vocabularies.Get(vocabulary);
        bool anyObject = schemaName == "json_object";
        string schema = anyObject ? StructuredOutputCases.AnyObjectSchema : StructuredOutputCases.Schemas[schemaName];
        var grammar = GrammarCompiler.Compile(anyObject ? Grammar.JsonObject : Grammar.Json(JsonDocument.Parse(schema).RootElement), tokens);
        int samples = vocabulary == "stories260K" ? 40 : 8;
        for (int seed = 0; seed < samples; seed++)
        {
            var (text, stopped, count) = SamplerRun.Generate(vocabulary, grammar, seed, maxTokens: 250);
            Assert.True(stopped, $"seed {seed}: no end-of-sequence after {count} tokens: {text}");
            Assert.True(StructuredOutputCases.JsonErrors(schema, text) is null,
                $"seed {seed}: {StructuredOutputCases.JsonErrors(schema, text)}\n{text}");
        }
    }
}
