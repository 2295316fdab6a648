"""Writes tool-cases.json: chat templates that take tools, rendered by Python Jinja2 the way Hugging Face's
apply_chat_template renders them (sandboxed, trim_blocks, lstrip_blocks, loopcontrols, raise_exception, HF's tojson,
tools/documents passed as None when absent). The templates come from ../shared/testdata (cases.json and the Qwen3
tokenizer_config.json) and are named, not copied. Run: python3 render_expected.py (Jinja2 3.1)."""
import json
import os
import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

TESTDATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "testdata")


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def render(template, messages, tools, add_generation_prompt, bos_token, eos_token, **kwargs):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(messages=messages, tools=tools, documents=None,
                                            add_generation_prompt=add_generation_prompt,
                                            bos_token=bos_token, eos_token=eos_token, **kwargs)


def case_template(name):
    with open(os.path.join(TESTDATA, "chat-templates", "cases.json"), encoding="utf-8") as f:
        return next(c["template"] for c in json.load(f)["cases"] if c["name"].startswith(name))


def qwen3_template():
    with open(os.path.join(TESTDATA, "tokenizers", "qwen3", "tokenizer_config.json"), encoding="utf-8") as f:
        return json.load(f)["chat_template"]


TOOLS = [
    {"type": "function", "function": {
        "name": "get_current_temperature",
        "description": "Get current temperature at a location.",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string", "description": "The location, \"City, State, Country\"."},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["location"]}}},
    {"type": "function", "function": {
        "name": "get_temperature_date",
        "description": "Get temperature at a location and date (ünïcode kept).",
        "parameters": {"type": "object", "properties": {
            "location": {"type": "string"}, "date": {"type": "string"}},
            "required": ["location", "date"]}}},
]

QUESTION = [
    {"role": "system", "content": "You are a weather bot."},
    {"role": "user", "content": "What's the temperature in San Francisco now? How about tomorrow?"},
]


def round_trip(id1, id2):
    """The question, the assistant's two calls (content "" and arguments as objects: what the server makes of OpenAI's
    null content and argument strings, as vLLM does), and their results."""
    return QUESTION + [
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": id1, "type": "function", "function": {"name": "get_current_temperature",
                                                         "arguments": {"location": "San Francisco, CA, USA"}}},
            {"id": id2, "type": "function", "function": {"name": "get_temperature_date",
                                                         "arguments": {"location": "San Francisco, CA, USA", "date": "2024-10-01"}}}]},
        {"role": "tool", "tool_call_id": id1, "content": "{\"temperature\": 26.1}"},
        {"role": "tool", "tool_call_id": id2, "content": "{\"temperature\": 25.9}"},
    ]


def main():
    cases = []

    def add(name, source, template, messages, tools, add_generation_prompt=True, bos="", eos="", **kwargs):
        case = {"name": name, "template_source": source, "messages": messages, "tools": tools,
                "add_generation_prompt": add_generation_prompt, "bos_token": bos, "eos_token": eos, "kwargs": kwargs}
        try:
            case["expected"] = render(template, messages, tools, add_generation_prompt, bos, eos, **kwargs)
        except jinja2.exceptions.TemplateError as e:
            case["expected_error"] = str(e)
        cases.append(case)

    qwen3 = qwen3_template()
    add("qwen3 tools offered", "qwen3", qwen3, QUESTION, TOOLS)
    add("qwen3 tool calls and results", "qwen3", qwen3, round_trip("call_1", "call_2"), TOOLS)
    add("qwen3 no tools", "qwen3", qwen3, QUESTION, None)
    add("qwen3 tools, thinking off", "qwen3", qwen3, round_trip("call_1", "call_2"), TOOLS, enable_thinking=False)
    for name, source in [("mistral v3", "Mistral-Large-Instruct-2407"), ("mistral v3-tekken", "Mistral-Nemo-Instruct-2407")]:
        template = case_template(source)
        add(name + " tools offered", source, template, QUESTION, TOOLS, bos="<s>", eos="</s>")
        add(name + " tool calls and results", source, template, round_trip("a1b2c3d4e", "f5g6h7i8j"), TOOLS, bos="<s>", eos="</s>")
        add(name + " tool call id too long", source, template, round_trip("call_123456789", "x"), TOOLS, bos="<s>", eos="</s>")
    add("granite tools offered", "ibm-granite/granite-3.0-8b-instruct", case_template("ibm-granite/granite-3.0-8b-instruct"), QUESTION, TOOLS)

    with open(os.path.join(os.path.dirname(__file__), "tool-cases.json"), "w", encoding="utf-8") as f:
        json.dump({"source": __doc__, "jinja2": jinja2.__version__, "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


main()
