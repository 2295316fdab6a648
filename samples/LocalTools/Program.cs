using Engine.Extensions.AI;
using Microsoft.Extensions.AI;

// Microsoft.Extensions.AI's function invocation over a model in this process: the model is made to call a C# function
// (ToolMode.RequireSpecific), the middleware runs it and sends its result back, and the model answers. The bundled
// stories260K has no chat template: a small one shows it the tool's result.
const string StoryTemplate = "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% elif m.role == 'tool' %} It was {{ m.content }}.{% endif %}{% endfor %}";
var options = args.Length > 0 ? LocalLlmOptions.ForModel(args[0])
    : LocalLlmOptions.ForModel(Path.Combine(AppContext.BaseDirectory, "DefaultModel", "stories260K")) with { ChatTemplate = StoryTemplate };
using IChatClient client = new ChatClientBuilder(new LocalChatClient(options)).UseFunctionInvocation().Build();

var weather = AIFunctionFactory.Create((bool celsius) =>
{
    Console.WriteLine($"get_weather(celsius: {celsius}) called");
    return celsius ? "21 degrees and sunny" : "70 degrees and sunny";
}, "get_weather", "Today's weather in the park");

var response = await client.GetResponseAsync("Lily asked her mom about the weather in the park.",
    new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), Temperature = 0, MaxOutputTokens = 150 });
Console.WriteLine(response.Text);
