namespace Tests.Shared;

/// <summary>
/// Bodies POST /v1/responses must refuse, each with the field its 400 names (the last, an unknown model, is a 404 naming
/// model): what a stateless server cannot honour, what is not supported, malformed input, tools, tool_choice and text.format, and
/// schemas the structured-output constraint (text.format json_schema, a forced tool call) cannot compile.
/// The model field is left out (the server's own model); a test through the gateway adds it.
/// </summary>
public static class ResponsesBadRequests
{
    public static TheoryData<string, string> All() => new()
    {
        { """{"input":"a","previous_response_id":"resp_1"}""", "previous_response_id" },
        { """{"input":"a","store":true}""", "store" },
        { """{"input":"a","background":true}""", "background" },
        { """{"input":"a","conversation":"conv_1"}""", "conversation" },
        { """{"input":"a","include":["message.output_text.logprobs"]}""", "include" },
        { """{"input":"a","reasoning":{"effort":"low"}}""", "reasoning" },
        { """{"input":"a","top_logprobs":2}""", "top_logprobs" },
        { """{"input":"a","truncation":"auto"}""", "truncation" },
        { """{"input":"a","max_tool_calls":3}""", "max_tool_calls" },
        { """{"input":"a","text":{"format":{"type":"json_schema","schema":{"type":"object"}}}}""", "text.format.name" },
        { """{"input":"a","text":{"format":{"type":"json_schema","name":"x"}}}""", "text.format.schema" },
        { """{"input":"a","text":{"format":{"type":"json_schema","name":"x","schema":{"type":"integer","multipleOf":3}}}}""", "text.format.schema" },
        { """{"input":"a","text":{"format":{"type":"json_schema","json_schema":{"name":"x","schema":{}}}}}""", "text.format.json_schema" },
        { """{"input":"a","text":{"format":{"type":"json_object","schema":{}}}}""", "text.format.schema" },
        { """{"input":"a","text":{"format":"json"}}""", "text.format" },
        { """{"input":"a","text":{"format":{"type":"xml"}}}""", "text.format.type" },
        { """{"input":"a","text":{"verbosity":"low"}}""", "text.verbosity" },
        { """{"input":"a","stream_options":{"include_obfuscation":false}}""", "stream_options" },
        { """{"input":"a","n":2}""", "n" },
        { """{"input":"a","max_output_tokens":0}""", "max_output_tokens" },
        { """{"input":"a","temperature":3}""", "temperature" },
        { """{"input":"a","top_p":"high"}""", "top_p" },
        { """{"input":"a","metadata":{"k":1}}""", "metadata" },
        { """{}""", "input" },
        { """{"input":42}""", "input" },
        { """{"input":[]}""", "input" },
        { """{"input":[{"role":"tool","content":"x"}]}""", "input[0].role" },
        { """{"input":[{"role":"user","content":[{"type":"input_image","image_url":"http://x"}]}]}""", "input[0].content[0]" },
        { """{"input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type" },
        { """{"input":[{"type":"function_call","call_id":"c","name":"f","arguments":"{"}]}""", "input[0].arguments" },
        { """{"input":[{"type":"function_call_output","output":"x"}]}""", "input[0].call_id" },
        { """{"input":[{"role":"user","content":"a","extra":1}]}""", "input[0].extra" },
        { """{"input":"a","tools":[{"type":"web_search"}]}""", "tools[0].type" },
        { """{"input":"a","tools":[{"type":"function","name":"has space","parameters":{},"strict":false}]}""", "tools[0].name" },
        { """{"input":"a","tools":[{"type":"function","name":"f","parameters":{},"strict":true}]}""", "tools[0].strict" },
        { """{"input":"a","tool_choice":"auto"}""", "tool_choice" },
        { """{"input":"a","tools":[{"type":"function","name":"f","parameters":{},"strict":false}],"tool_choice":{"type":"function","name":"g"}}""", "tool_choice.name" },
        { """{"input":"a","tools":[{"type":"function","name":"f","parameters":{},"strict":false}],"tool_choice":"required","text":{"format":{"type":"json_object"}}}""", "text.format" },
        { """{"input":"a","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{"n":{"type":"integer","multipleOf":3}}},"strict":true}],"tool_choice":"required"}""", "tools[0].parameters" },
        { """{"input":"a","model":"gpt-4o"}""", "model" },
    };
}
