// The npm openai client (6.49.0) against the gateway, run by Gateway.Tests (NodeOpenAiClientTests) with
// OPENAI_BASE_URL, OPENAI_API_KEY, MODEL, FORCED_TOOLS (a JSON list of tools) and JSON_SCHEMA (a schema) set. It prints one line, "RESULT {json}", with what the client saw;
// the test checks it. Any client error ends the script with a non-zero exit and the error on stderr.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, maxRetries: 0, timeout: 180_000 });
const model = process.env.MODEL;
// What the test compares of a completion: content, the calls (name and arguments; ids are random) and the finish reason.
const message = (completion) => ({
  content: completion.choices[0].message.content,
  tool_calls: (completion.choices[0].message.tool_calls ?? []).map((c) => ({ name: c.function.name, arguments: c.function.arguments })),
  finish_reason: completion.choices[0].finish_reason,
});
const tools = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
}];
const question = [{ role: "user", content: "Once upon a time" }];
const request = { model, messages: question, tools, tool_choice: "auto", temperature: 0, max_tokens: 24 };

// tool_choice "auto": stories260K writes no call, so the answer is content.
const whole = await client.chat.completions.create(request);

// The same request streamed, rebuilt by the SDK's own accumulator (ChatCompletionStream.finalChatCompletion).
const stream = client.chat.completions.stream(request);
const streamed = await stream.finalChatCompletion();

// A conversation that carries the assistant's call and the tool's result continues.
const conversation = await client.chat.completions.create({
  model, tools, temperature: 0, max_tokens: 12,
  messages: [
    { role: "user", content: "Lily asked about the weather in Paris." },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\": \"Paris\"}" } }] },
    { role: "tool", tool_call_id: "call_1", content: "sunny" },
  ],
});

// tool_choice "required" and a named function (the tools in FORCED_TOOLS): the answer is constrained to calls, whole
// and streamed; the calls' results sent back continue the conversation. The test validates the arguments.
const forcedTools = JSON.parse(process.env.FORCED_TOOLS);
const forced = { model, messages: [{ role: "user", content: "Lily asked about the weather in Paris." }], tools: forcedTools, temperature: 1, seed: 3, max_tokens: 120 };
const forcedRun = async (tool_choice) => {
  const whole = await client.chat.completions.create({ ...forced, tool_choice });
  const streamed = await client.chat.completions.stream({ ...forced, tool_choice }).finalChatCompletion();
  const call = whole.choices[0].message;
  const followUp = await client.chat.completions.create({
    model, tools: forcedTools, tool_choice: "none", temperature: 0, max_tokens: 12,
    messages: [...forced.messages, { role: "assistant", content: null, tool_calls: call.tool_calls },
      ...(call.tool_calls ?? []).map((c) => ({ role: "tool", tool_call_id: c.id, content: "sunny" }))],
  });
  return { whole: message(whole), streamed: message(streamed), follow_up: message(followUp) };
};

// Embeddings: the SDK asks for base64 and decodes it; the float encoding must give the same numbers.
const inputs = ["Once upon a time", "The cat sat on the mat."];
const decoded = await client.embeddings.create({ model, input: inputs });
const floats = await client.embeddings.create({ model, input: inputs, encoding_format: "float" });

// The Responses API: text, the same request streamed (rebuilt by the SDK's ResponseStream), a function call and its
// output sent back.
const responseTools = [{ type: "function", name: "get_weather", description: "The weather in a city", strict: false, parameters: tools[0].function.parameters }];
const responseRequest = { model, input: "Once upon a time", tools: responseTools, tool_choice: "auto", temperature: 0, max_output_tokens: 24 };
const responseWhole = await client.responses.create(responseRequest);
const responseStream = client.responses.stream(responseRequest);
const responseEvents = [];
for await (const event of responseStream) responseEvents.push(event.type);
const responseStreamed = await responseStream.finalResponse();
const responseConversation = await client.responses.create({
  model, tools: responseTools, temperature: 0, max_output_tokens: 12,
  input: [
    { role: "user", content: "Lily asked about the weather in Paris." },
    { type: "function_call", call_id: "call_1", name: "get_weather", arguments: "{\"city\": \"Paris\"}" },
    { type: "function_call_output", call_id: "call_1", output: "sunny" },
  ],
});
// tool_choice "required" with the strict FORCED_TOOLS: function_call items, sent back with their outputs for a text answer.
const forcedResponseTools = forcedTools.map((t) => ({ type: "function", name: t.function.name, description: t.function.description, parameters: t.function.parameters ?? null, strict: true }));
const forcedQuestion = { role: "user", content: "Lily asked about the weather in Paris." };
const responseForced = await client.responses.create({ model, input: [forcedQuestion], tools: forcedResponseTools, tool_choice: "required", temperature: 0, max_output_tokens: 200 });
const responseCalls = responseForced.output.filter((item) => item.type === "function_call");
const responseFollowUp = await client.responses.create({
  model, tools: forcedResponseTools, tool_choice: "none", temperature: 0, max_output_tokens: 12,
  input: [forcedQuestion, ...responseCalls, ...responseCalls.map((c) => ({ type: "function_call_output", call_id: c.call_id, output: "sunny" }))],
});
// text.format json_schema (the schema in JSON_SCHEMA): the output text is JSON under it.
const responseStructured = await client.responses.create({
  model, input: "Once upon a time", temperature: 0, max_output_tokens: 400,
  text: { format: { type: "json_schema", name: "address_book", schema: JSON.parse(process.env.JSON_SCHEMA), strict: true } },
});
const responseOf = (response) => ({ status: response.status, text: response.output_text, output_tokens: response.usage.output_tokens });
console.log("RESULT " + JSON.stringify({
  whole: message(whole),
  streamed: message(streamed),
  conversation: { ...message(conversation), prompt_tokens: conversation.usage.prompt_tokens },
  required: await forcedRun("required"),
  named: await forcedRun({ type: "function", function: { name: "get_weather" } }),
  responses: {
    whole: responseOf(responseWhole),
    streamed: responseOf(responseStreamed),
    events: responseEvents,
    conversation: { ...responseOf(responseConversation), input_tokens: responseConversation.usage.input_tokens },
    required: {
      status: responseForced.status,
      items: responseForced.output.map((item) => item.type),
      calls: responseCalls.map((c) => ({ name: c.name, arguments: c.arguments })),
      follow_up: responseOf(responseFollowUp),
    },
    json_schema: responseOf(responseStructured),
  },
  embeddings: {
    decoded: decoded.data.map((d) => Array.from(d.embedding)),
    floats: floats.data.map((d) => d.embedding),
    prompt_tokens: floats.usage.prompt_tokens,
  },
}));
