using Engine.Extensions.AI;
using Microsoft.Extensions.AI;

namespace Engine.Extensions.AI.Tests;

/// <summary>
/// A tool call round trip through Microsoft.Extensions.AI's FunctionInvokingChatClient over <see cref="LocalChatClient"/>
/// (stories260K with the tool chat template): ToolMode.RequireSpecific forces the model to call the C# function on the
/// first turn (its arguments constrained to the function's schema), the middleware runs it, and the model answers in
/// text after the result (the middleware lets the model choose on the next turn).
/// </summary>
public sealed class FunctionInvocationTests
{
    [Fact]
    public async Task ARequiredFunction_IsCalledWithValidArguments_ItsResultSentBack_AndTheModelAnswers()
    {
        using var local = new LocalChatClient(LocalLlmOptions.ForModel(TestData.Stories260K) with { ChatTemplate = ToolChatTemplate.Text });
        var calls = new List<bool>();
        var weather = AIFunctionFactory.Create((bool celsius) =>
        {
            calls.Add(celsius);
            return celsius ? "21 degrees" : "70 degrees";
        }, "get_weather", "The weather in Paris");
        using var client = new ChatClientBuilder(local).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Lily asked about the weather in Paris.", new ChatOptions
        {
            Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), Temperature = 0, MaxOutputTokens = 150,
        });

        Assert.Single(calls);
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        var result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(calls[0] ? "21 degrees" : "70 degrees", result.Result?.ToString());
        Assert.False(string.IsNullOrWhiteSpace(response.Messages[^1].Text), "the model did not answer after the function's result");
    }
}
