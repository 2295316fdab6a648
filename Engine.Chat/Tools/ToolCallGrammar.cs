using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Core;
using Engine.StructuredOutput;

namespace Engine.Chat.Tools;

/// <summary>
/// The structured-output constraint of tool_choice "required" or a named function: the whole answer is tool calls in
/// the family's <see cref="ToolCallFormat"/>, each naming one of the allowed tools with arguments valid under that
/// tool's parameters schema; several calls when parallel calls are allowed and no function is named (as vLLM, a named
/// function is called once).
/// </summary>
public static class ToolCallGrammar
{
    /// <summary>The tool-call syntax a forced call is written in when the server has no --tool-call-parser: Hermes'
    /// &lt;tool_call&gt; tags, which mark the call off plainly in any model's text.</summary>
    public static ToolCallSyntax DefaultSyntax { get; } = new HermesSyntax();

    /// <summary>The constraint of a forced tool_choice ("required" or a named function) in <paramref name="syntax"/>, or null
    /// when the calls are not forced.</summary>
    public static CompiledGrammar? ForChoice(LlmEngine engine, ChatTools tools, ToolCallSyntax? syntax) =>
        tools.Choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Named ? Compile(engine, tools, syntax!.Format) : null;

    /// <summary>The compiled constraint; a tool whose parameters schema cannot be compiled is an ArgumentException naming it (its ParamName).</summary>
    private static CompiledGrammar Compile(LlmEngine engine, ChatTools tools, ToolCallFormat format)
    {
        var allowed = Tools(tools)
            .Where(t => tools.Choice.Mode != ToolChoiceMode.Named || t.Name == tools.Choice.FunctionName)
            .ToList();
        var call = Grammar.Choice(allowed.Select(t => Call(format, t.Name, t.Parameters)));
        var calls = tools.Choice.Mode == ToolChoiceMode.Required && tools.ParallelCalls
            ? Grammar.Repeat(call, 1, null, Grammar.Text(format.Separator))
            : call;
        try
        {
            return engine.CompileGrammar(Wrapped(format.CallsOpen, calls, format.CallsClose));
        }
        catch (GrammarException)
        {
            // Which tool's schema is at fault: compiled alone, the first that fails says why.
            foreach (var tool in allowed)
            {
                try
                {
                    engine.CompileGrammar(Call(format, tool.Name, tool.Parameters));
                }
                catch (GrammarException error)
                {
                    throw new ArgumentException($"'{tool.Param}' cannot constrain a tool call: {error.Message}", tool.Param);
                }
            }
            throw;
        }
    }

    private static Grammar Call(ToolCallFormat format, string name, JsonNode? parameters) =>
        Wrapped(format.CallOpen, Grammar.Json(JsonSerializer.SerializeToElement(format.CallSchema(name, parameters))), format.CallClose);

    /// <summary><paramref name="inner"/> between two texts, either of which may be empty (a format without markers).</summary>
    private static Grammar Wrapped(string open, Grammar inner, string close) =>
        Grammar.Sequence(new[] { open.Length > 0 ? Grammar.Text(open) : null, inner, close.Length > 0 ? Grammar.Text(close) : null }.OfType<Grammar>());

    private static IEnumerable<(string Name, JsonNode? Parameters, string Param)> Tools(ChatTools tools)
    {
        int i = 0;
        foreach (var tool in tools.Definitions?.EnumerateArray() ?? [])
        {
            var function = tool.GetProperty("function");
            var parameters = function.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? JsonNode.Parse(p.GetRawText()) : null;
            yield return (function.GetProperty("name").GetString()!, parameters, $"tools[{i++}].{tools.ParametersField}");
        }
    }
}
