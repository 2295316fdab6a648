using System.Text;

namespace InferenceService.Tests.Api;

/// <summary>The structured-output rows of the bad-input table: each bad value is a 400 whose param names the field
/// (and whose message names the keyword or construct), never a 5xx and never silently ignored. Fields are written
/// with single quotes for readability and sent as JSON.</summary>
[Collection(InferenceServerCollection.Name)]
public sealed class StructuredOutputBadRequestTests(InferenceServerFixture server)
{
    private const string Chat = "v1/chat/completions";
    private const string Completions = "v1/completions";
    private const string Schema = "response_format.json_schema.schema";

    private static string Format(string schema) => "'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':" + schema + "}}";

    public static TheoryData<string, string, string, string, string?> Cases() => new()
    {
        // name, path, the structured-output fields, expected param, text the message must contain (null: any)
        { "response_format not an object", Chat, @"'response_format':'json'", "response_format", null },
        { "response_format without type", Chat, @"'response_format':{}", "response_format.type", null },
        { "response_format of unknown type", Chat, @"'response_format':{'type':'yaml'}", "response_format.type", "yaml" },
        { "response_format json_object with a schema", Chat, @"'response_format':{'type':'json_object','schema':{}}", "response_format.schema", null },
        { "json_schema missing", Chat, @"'response_format':{'type':'json_schema'}", "response_format.json_schema", null },
        { "json_schema without name", Chat, @"'response_format':{'type':'json_schema','json_schema':{'schema':{}}}", "response_format.json_schema.name", null },
        { "json_schema name with spaces", Chat, @"'response_format':{'type':'json_schema','json_schema':{'name':'my schema','schema':{}}}", "response_format.json_schema.name", null },
        { "json_schema without schema", Chat, @"'response_format':{'type':'json_schema','json_schema':{'name':'x'}}", Schema, null },
        { "schema not an object", Chat, Format(@"5"), Schema, null },
        { "json_schema unknown field", Chat, @"'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':{},'format':1}}", "response_format.json_schema.format", null },
        { "strict not a boolean", Chat, @"'response_format':{'type':'json_schema','json_schema':{'name':'x','schema':{},'strict':'yes'}}", "response_format.json_schema.strict", null },
        { "unsupported keyword multipleOf", Chat, Format(@"{'type':'integer','multipleOf':3}"), Schema, "multipleOf" },
        { "unsupported keyword uniqueItems, nested", Chat, Format(@"{'type':'object','properties':{'a':{'type':'array','uniqueItems':true}}}"), Schema, "#/properties/a" },
        { "OpenAPI nullable", Chat, Format(@"{'type':'string','nullable':true}"), Schema, "nullable" },
        { "$ref to nothing", Chat, Format(@"{'$ref':'#/$defs/missing'}"), Schema, "#/$defs/missing" },
        { "$ref to another document", Chat, Format(@"{'$ref':'https://example.com/schema.json'}"), Schema, "$ref" },
        { "left-recursive $ref", Chat, Format(@"{'anyOf':[{'$ref':'#'},{'type':'string'}]}"), Schema, "left-recursive" },
        { "minimum above maximum", Chat, Format(@"{'type':'integer','minimum':5,'maximum':2}"), Schema, null },
        { "minLength negative", Chat, Format(@"{'type':'string','minLength':-1}"), Schema, "minLength" },
        { "oneOf branches overlap", Chat, Format(@"{'oneOf':[{'type':'integer'},{'type':'number'}]}"), Schema, "oneOf" },
        { "unsupported format", Chat, Format(@"{'type':'string','format':'hostname'}"), Schema, "hostname" },
        { "pattern that does not compile", Chat, Format(@"{'type':'string','pattern':'(ab'}"), Schema, "pattern" },
        { "unknown type", Chat, Format(@"{'type':'str'}"), Schema, "str" },
        { "draft-4 boolean exclusiveMinimum", Chat, Format(@"{'type':'number','minimum':1,'exclusiveMinimum':true}"), Schema, "exclusiveMinimum" },
        { "guided_json a number", Completions, @"'guided_json':5", "guided_json", null },
        { "guided_json text that is not JSON", Completions, @"'guided_json':'{oops'", "guided_json", null },
        { "guided_json unsupported keyword", Completions, @"'guided_json':{'type':'object','patternProperties':{'^a':{}}}", "guided_json", "patternProperties" },
        { "guided_regex that does not compile", Completions, @"'guided_regex':'(a'", "guided_regex", null },
        { "guided_regex lookahead", Completions, @"'guided_regex':'(?=a)a'", "guided_regex", "lookaround" },
        { "guided_regex backreference", Completions, @"'guided_regex':'(a)\\1'", "guided_regex", null },
        { "guided_regex huge repetition", Completions, @"'guided_regex':'a{5000}'", "guided_regex", "1000" },
        { "guided_regex not a string", Completions, @"'guided_regex':['a']", "guided_regex", null },
        { "guided_choice empty", Completions, @"'guided_choice':[]", "guided_choice", null },
        { "guided_choice of numbers", Completions, @"'guided_choice':[1,2]", "guided_choice", null },
        { "guided_grammar", Completions, @"'guided_grammar':'root ::= a'", "guided_grammar", null },
        { "guided_whitespace_pattern", Chat, @"'guided_json':{},'guided_whitespace_pattern':' *'", "guided_whitespace_pattern", null },
        { "guided_decoding_backend", Chat, @"'guided_regex':'a','guided_decoding_backend':'outlines'", "guided_decoding_backend", null },
        { "response_format and guided_regex", Chat, @"'response_format':{'type':'json_object'},'guided_regex':'a'", "guided_regex", null },
        { "guided_regex and guided_choice", Completions, @"'guided_regex':'a','guided_choice':['a']", "guided_choice", null },
        { "structured_outputs not an object", Completions, @"'structured_outputs':'json'", "structured_outputs", null },
        { "structured_outputs unknown field", Completions, @"'structured_outputs':{'yaml':{}}", "structured_outputs.yaml", null },
        { "structured_outputs json and regex", Completions, @"'structured_outputs':{'json':{},'regex':'a'}", "structured_outputs.regex", null },
        { "structured_outputs grammar", Completions, @"'structured_outputs':{'grammar':'root ::= a'}", "structured_outputs.grammar", null },
        { "structured_outputs json_object not a boolean", Completions, @"'structured_outputs':{'json_object':'yes'}", "structured_outputs.json_object", null },
        { "ignore_eos with guided_choice", Completions, @"'guided_choice':['a'],'ignore_eos':true", "ignore_eos", null },
        { "min_tokens with guided_regex", Completions, @"'guided_regex':'a+','min_tokens':2", "min_tokens", null },
        { "schema too large", Completions, @"'guided_json':{'type':'string','pattern':'^a','maxLength':1000000}", "guided_json", "too large" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadStructuredOutput_Is400_NamingTheField(string name, string path, string fields, string param, string? mentions)
    {
        string prompt = path == Chat ? "'messages':[{'role':'user','content':'hi'}]" : "'prompt':'hi'";
        string body = ("{" + prompt + ",'max_tokens':4," + fields + "}").Replace('\'', '"');
        using var response = await server.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 400, $"{name}: expected 400, got {(int)response.StatusCode}: {text}");
        BadRequestTests.AssertErrorShape(text, param);
        if (mentions is not null) Assert.Contains(mentions, text);
    }
}
