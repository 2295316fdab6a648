// The npm openai client against the gateway's https:// listener, run by Gateway.Tests (TlsTests) with OPENAI_BASE_URL,
// OPENAI_API_KEY, MODEL and NODE_EXTRA_CA_CERTS (the test's self-signed certificate) set. It prints one line,
// "RESULT {json}", with the completion's content; any client error (an untrusted certificate too) ends it non-zero.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, maxRetries: 0, timeout: 60_000 });
const completion = await client.chat.completions.create({
  model: process.env.MODEL,
  messages: [{ role: "user", content: "one two three" }],
  max_tokens: 3,
});
console.log("RESULT " + JSON.stringify({ content: completion.choices[0].message.content }));
