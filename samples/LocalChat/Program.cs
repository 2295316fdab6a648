using Engine.Extensions.AI;
using Microsoft.Extensions.AI;

// Chats with a model in this process: a folder or .gguf given as the argument, else the bundled stories260K (a story
// model without a chat template: each line you type is the start of a story it continues).
var model = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "DefaultModel", "stories260K");
using IChatClient chat = new LocalChatClient(LocalLlmOptions.ForModel(model));
Console.Write("> ");
while (Console.ReadLine() is { Length: > 0 } line)
{
    await foreach (var update in chat.GetStreamingResponseAsync(line, new ChatOptions { Temperature = 0, MaxOutputTokens = 60 }))
        Console.Write(update.Text);
    Console.Write("\n> ");
}
