namespace InferenceService.Tests.Parsing;

/// <summary>
/// --reasoning-parser deepseek_r1 and qwen3 split &lt;think&gt;…&lt;/think&gt; into reasoning_content as vLLM does
/// (the text after &lt;/think&gt; is the content, unchanged), whether the model or the prompt opened the tag.
/// </summary>
public sealed class ReasoningParserTests
{
    private const string Thought = "\nThe user greets me. I should greet back.\n";

    [Theory]
    [InlineData("deepseek_r1")]
    [InlineData("qwen3")]
    public void ModelOpenedThinking_IsSplitAtTheEndTag(string parser)
    {
        var message = ParsedMessage.Parse("<think>" + Thought + "</think>\n\nHello! How can I help?", null, parser);
        Assert.Equal(new ParsedMessage("\n\nHello! How can I help?", Thought, []), message);
    }

    [Theory]
    [InlineData("deepseek_r1")]
    [InlineData("qwen3")]
    public void PromptOpenedThinking_OutputStartsInReasoning(string parser)
    {
        var message = ParsedMessage.Parse(Thought + "</think>\n\nHello!", null, parser, prompt: "<|im_start|>assistant\n<think>\n");
        Assert.Equal(new ParsedMessage("\n\nHello!", Thought, []), message);
    }

    [Fact]
    public void DeepSeekR1_WithoutEndTag_IsAllReasoning()
    {
        Assert.Equal(new ParsedMessage("", "Still thinking about it", []), ParsedMessage.Parse("Still thinking about it", null, "deepseek_r1"));
    }

    [Fact]
    public void Qwen3_WithThinkingSwitchedOff_IsAllContent()
    {
        // enable_thinking=false: the template closes an empty think block in the prompt; the model just answers.
        var message = ParsedMessage.Parse("Hello!", null, "qwen3", prompt: "<|im_start|>assistant\n<think>\n\n</think>\n\n");
        Assert.Equal(new ParsedMessage("Hello!", "", []), message);
    }

    [Fact]
    public void Qwen3_CutOffWhileThinking_IsReasoning()
    {
        Assert.Equal(new ParsedMessage("", "\nLet me think", []), ParsedMessage.Parse("<think>\nLet me think", null, "qwen3"));
    }

    [Fact]
    public void ThinkingThenToolCalls_ToolCallsAreReadFromTheAnswerOnly()
    {
        var message = ParsedMessage.Parse("<think>\nI need the temperature; a <tool_call> tag goes around the call.\n</think>\n\n" +
            ToolCallParserTests.QwenParallel, "hermes", "qwen3");
        Assert.Equal("\nI need the temperature; a <tool_call> tag goes around the call.\n", message.Reasoning);
        Assert.Equal("", message.Content);
        Assert.Equal(["get_current_temperature", "get_temperature_date"], message.Calls.Select(c => c.Name));
    }
}
