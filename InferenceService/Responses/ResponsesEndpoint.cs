using System.Text.Json;
using System.Text.Json.Nodes;
using Engine.Chat;
using Engine.Chat.Tools;
using Engine.Sampling;
using InferenceService.Api;
using InferenceService.Serving;

namespace InferenceService.Responses;

/// <summary>
/// POST /v1/responses (OpenAI's Responses API, stateless as vLLM's and Ollama's): the input rendered with the chat
/// template, generated and parsed by the chat path (reasoning, tool calls), answered as a response object with output
/// items and usage, or streamed as Responses events: response.created, response.in_progress, each item's events, then
/// response.completed (response.incomplete when max_output_tokens cut it), numbered by sequence_number. text.format
/// json_schema / json_object and a forced tool_choice constrain the output as on chat.
/// </summary>
public static class ResponsesEndpoint
{
    public const string Route = "/v1/responses";

    public static Task HandleAsync(HttpContext context, ModelRegistry models, ILogger<ServedModel> logger)
    {
        ResponseEvents? stream = null;
        return ApiResults.Handle(context, logger, async events =>
        {
            var ct = context.RequestAborted;
            var body = await JsonRequest.ReadAsync(context.Request, ct);
            using var lease = await models.AcquireAsync(body.String("model"), ct);
            var served = lease.Served;
            var engine = served.GenerationEngine(Route);
            var request = ResponseRequest.Read(body);
            var lora = lease.Adapter;

            var tools = request.Tools.Chat;
            var toolCalls = ChatCompletionsEndpoint.ToolCallSyntaxFor(tools, served.Parsers);
            var chat = new ChatPrompt(request.Messages, tools.Definitions, new Dictionary<string, object?>(), AddGenerationPrompt: true);
            var (text, prompt) = ChatCompletionsEndpoint.RenderPrompt(served, engine.Tokenizer, chat, "input");
            var output = new ResponseOutput(ChatOutputParser.For(served.Parsers, text, toolCalls, tools));
            var sampling = new SamplingParams
            {
                Temperature = request.Temperature,
                TopP = request.TopP,
                MaxTokens = request.MaxOutputTokens ?? Math.Max(1, engine.MaxModelLen - prompt.Count),
                StructuredOutput = ToolCallGrammar.ForChoice(engine, tools, toolCalls),
            };
            if (request.StructuredOutput is { } structured) sampling = structured.Constrain(sampling, engine);
            var generation = new GenerationRequest
            {
                Model = request.Model, MaxTokens = sampling.MaxTokens, N = 1, Stream = request.Stream, IncludeUsageInStream = false,
                Stop = [], IncludeStopStringInOutput = false, Priority = 0, Sampling = sampling, User = request.User, StructuredOutput = request.StructuredOutput,
            };
            using var userScope = EndUser.Track(request.User, logger);
            var call = new GenerationCall([prompt], sampling, _ => output) { KeepSpecialTokens = toolCalls is not null };

            string id = "resp_" + Guid.NewGuid().ToString("N");
            long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            using var run = ChoiceRun.Start(engine, id, [new ChoiceInput(0, prompt)], call, generation, lora);
            JsonObject Response(string status, object? outputItems, object? usage)
            {
                var response = new JsonObject
                {
                    ["id"] = id, ["object"] = "response", ["created_at"] = created, ["status"] = status,
                    ["completed_at"] = status == "in_progress" ? null : DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    ["error"] = null,
                    ["incomplete_details"] = status == "incomplete" ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
                    ["instructions"] = request.Instructions, ["max_output_tokens"] = request.MaxOutputTokens, ["model"] = lease.ModelName,
                    ["output"] = Node(outputItems ?? Array.Empty<object>()), ["parallel_tool_calls"] = tools.ParallelCalls,
                    ["previous_response_id"] = null, ["reasoning"] = null, ["store"] = false, ["temperature"] = request.Temperature,
                    ["text"] = new JsonObject { ["format"] = request.TextFormat.DeepClone() },
                    ["tool_choice"] = request.Tools.ChoiceEcho.DeepClone(), ["tools"] = request.Tools.Echo.DeepClone(), ["top_p"] = request.TopP,
                    ["truncation"] = "disabled", ["metadata"] = request.Metadata.DeepClone(),
                };
                // OpenAI's schema has no null usage: a response still in progress has none.
                if (usage is not null) response["usage"] = Node(usage);
                return response;
            }

            if (request.Stream)
            {
                stream = new ResponseEvents(events);
                var opening = Response("in_progress", null, null);
                await stream.SendAsync(new() { ["type"] = "response.created", ["response"] = opening }, ct);
                await stream.SendAsync(new() { ["type"] = "response.in_progress", ["response"] = opening.DeepClone() }, ct);
            }
            int outputTokens = 0;
            await foreach (var (_, delta) in run.ReadAsync(ct))
            {
                outputTokens += delta.Tokens.Count;
                var entries = output.Add(delta);
                if (stream is not null)
                    foreach (var entry in entries)
                        await stream.SendAsync((Dictionary<string, object?>)entry, ct);
            }

            var usage = new
            {
                input_tokens = prompt.Count,
                input_tokens_details = new { cached_tokens = run.CachedPromptTokens, cache_write_tokens = 0 },
                output_tokens = outputTokens,
                output_tokens_details = new { reasoning_tokens = output.ReasoningTokens },
                total_tokens = prompt.Count + outputTokens,
            };
            var status = output.FinishReason == "length" ? "incomplete" : "completed";
            var response = Response(status, output.Complete(), usage);
            if (stream is not null)
                await stream.SendAsync(new() { ["type"] = "response." + status, ["response"] = response }, ct);
            else
                await context.Response.WriteAsJsonAsync(response, ServerSentEvents.Json, ct);
        }, (_, error) => stream!.FailAsync(error));
    }

    private static JsonNode? Node(object? value) => JsonSerializer.SerializeToNode(value, ServerSentEvents.Json);
}
