// The npm openai client (6.49.0) against the gateway, run by Gateway.Tests (NodeOpenAiClientTests) with
// OPENAI_BASE_URL, OPENAI_API_KEY and MODEL set. It prints one line, "RESULT {json}", with what the client saw;
// the test checks it. Any client error ends the script with a non-zero exit and the error on stderr.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, maxRetries: 0, timeout: 60_000 });
const model = process.env.MODEL;
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

// tool_choice "required" is refused (400, param tool_choice) until its constraint exists.
let required;
try {
  await client.chat.completions.create({ ...request, tool_choice: "required" });
  required = { status: 200 };
} catch (error) {
  required = { status: error.status, param: error.param, message: error.message };
}

// Embeddings: the SDK asks for base64 and decodes it; the float encoding must give the same numbers.
const inputs = ["Once upon a time", "The cat sat on the mat."];
const decoded = await client.embeddings.create({ model, input: inputs });
const floats = await client.embeddings.create({ model, input: inputs, encoding_format: "float" });

const message = (completion) => ({
  content: completion.choices[0].message.content,
  tool_calls: completion.choices[0].message.tool_calls ?? [],
  finish_reason: completion.choices[0].finish_reason,
});
console.log("RESULT " + JSON.stringify({
  whole: message(whole),
  streamed: message(streamed),
  conversation: { ...message(conversation), prompt_tokens: conversation.usage.prompt_tokens },
  required,
  embeddings: {
    decoded: decoded.data.map((d) => Array.from(d.embedding)),
    floats: floats.data.map((d) => d.embedding),
    prompt_tokens: floats.usage.prompt_tokens,
  },
}));
