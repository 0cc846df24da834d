"""Provider capabilities: structured-output modes, the 400 downgrades remembered per process, and
the parameters reasoning models refuse; through the real client against the loopback fake."""

from __future__ import annotations

import pytest

from interviewer.llm.capabilities import (
    CapabilityMemory,
    accepts_temperature,
    initial_mode,
    is_reasoning_model,
    rejects_structured_output,
)
from interviewer.llm.grader import LLMGrader
from interviewer.llm.openai_chat import DEFAULT_MAX_TOKENS, REASONING_MAX_TOKENS, OpenAIChatModel
from interviewer.settings import DEFAULT_PROMPTS, Settings
from tests.fakes.openai_server import FakeOpenAIServer, reply
from tests.interviewer.test_llm_grader import REQUEST, FixedGrader, grade_json

HELLO = [{"role": "user", "content": "hello"}]
LM_STUDIO_400 = {"error": "'response_format.type' must be 'json_schema' or 'text'"}
O3_400 = {"error": {"message": "Unsupported value: 'temperature' does not support 0 with this model. Only the "
                    "default (1) value is supported.", "type": "invalid_request_error", "param": "temperature"}}


def chat_for(server: FakeOpenAIServer, model: str = "fake-model", **options: object) -> OpenAIChatModel:
    return OpenAIChatModel(model=model, base_url=server.base_url, api_key="k", timeout=3, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "reasoning", "temperature"),
    [
        ("gpt-4o-mini", False, True), ("o1", True, False), ("o3-mini", True, False), ("o4-mini", True, False),
        ("gpt-5", True, False), ("gpt-5-mini", True, False), ("gpt-5-chat-latest", False, True),
        ("deepseek-reasoner", True, True), ("deepseek-chat", False, True), ("deepseek-r1:14b", True, True),
        ("DeepSeek-R1-Distill-Qwen-32B", True, True), ("qwq-32b", True, True), ("qwen-plus", False, True),
        ("qwen3:8b", False, True), ("llama3.1:8b", False, True), ("openai/o3-mini", True, False),
    ],
)
def test_model_families(model: str, reasoning: bool, temperature: bool) -> None:
    assert (is_reasoning_model(model), accepts_temperature(model)) == (reasoning, temperature)


def test_reasoning_models_get_room_to_think_and_no_temperature() -> None:
    assert OpenAIChatModel(model="o3-mini").temperature is None
    assert OpenAIChatModel(model="o3-mini").max_tokens == REASONING_MAX_TOKENS
    assert OpenAIChatModel(model="gpt-4o-mini").max_tokens == DEFAULT_MAX_TOKENS
    assert OpenAIChatModel(model="gpt-4o-mini", max_tokens=300).max_tokens == 300


@pytest.mark.parametrize(
    ("configured", "base_url", "schema", "expected"),
    [
        ("auto", None, True, "json_schema"), ("auto", "https://api.openai.com/v1", True, "json_schema"),
        ("auto", "http://localhost:11434/v1", True, "json_object"), ("auto", None, False, "json_object"),
        ("tools", "http://x/v1", True, "tools"), ("tools", "http://x/v1", False, "json_object"),
        ("off", None, True, "off"), ("json_object", None, True, "json_object"),
    ],
)
def test_initial_mode(configured: str, base_url: str | None, schema: bool, expected: str) -> None:
    assert initial_mode(configured, base_url, has_schema=schema) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (400, "'response_format.type' must be 'json_schema' or 'text'", True),
        (400, "deepseek-reasoner does not support Json Output.", True),
        (400, "Unsupported response_format type", True),
        (400, "tools are not supported by this model", True),
        (400, "The model `gpt-9` does not exist", False),
        (401, "response_format", False),
        (500, "response_format", False),
    ],
)
def test_which_400s_are_about_structured_output(status: int, message: str, expected: bool) -> None:
    assert rejects_structured_output(status, message) is expected


def test_request_carries_max_tokens_and_temperature(openai_server: FakeOpenAIServer) -> None:
    chat_for(openai_server, max_tokens=777).complete(HELLO)
    body = openai_server.requests[0]
    assert body["max_tokens"] == 777 and body["temperature"] == 0.0 and "max_completion_tokens" not in body


def test_o_series_are_sent_no_temperature(openai_server: FakeOpenAIServer) -> None:
    chat_for(openai_server, model="o3-mini").complete(HELLO)
    assert "temperature" not in openai_server.requests[0]


def test_a_temperature_400_is_retried_without_it_once_per_process(openai_server: FakeOpenAIServer) -> None:
    openai_server.refuse["temperature"] = O3_400
    memory = CapabilityMemory()
    openai_server.push(reply("one"), reply("two"))
    assert chat_for(openai_server, model="my-reasoner", memory=memory).complete(HELLO) == "one"
    assert chat_for(openai_server, model="my-reasoner", memory=memory).complete(HELLO) == "two"
    assert ["temperature" in r for r in openai_server.requests] == [True, False, False]


def test_a_server_that_refuses_json_mode_costs_one_request_per_process(openai_server: FakeOpenAIServer) -> None:
    """LM Studio: 400 to json_object. The first grade pays one extra request, every later one none,
    even through a new adapter (wiring builds one per grader), and the server's reason is kept."""
    openai_server.refuse["json_object"] = LM_STUDIO_400
    memory = CapabilityMemory()
    grades = []
    for _ in range(3):
        grader = LLMGrader(chat_for(openai_server, memory=memory), FixedGrader(7.0), DEFAULT_PROMPTS)
        openai_server.push(reply(grade_json(score=7, rubric=7)))
        grades.append(grader.grade(REQUEST))
    assert [g.grader for g in grades] == ["llm"] * 3
    assert len(openai_server.requests) == 4
    assert [("response_format" in r) for r in openai_server.requests] == [True, False, False, False]
    learned = memory.get(openai_server.base_url, "fake-model")
    assert learned.structured == "off" and "must be 'json_schema' or 'text'" in learned.structured_reason


@pytest.mark.parametrize(
    ("structured", "refused", "final", "requests"),
    [
        ("json_schema", ["json_schema"], "json_object", 2),  # older OpenAI models, vLLM without guided decoding
        ("json_schema", ["json_schema", "json_object"], "off", 3),
        ("tools", ["tools"], "json_object", 2),
        ("json_object", ["json_object"], "off", 2),  # LM Studio
    ],
)
def test_a_refused_mode_steps_down_once_per_process(
    openai_server: FakeOpenAIServer, structured: str, refused: list[str], final: str, requests: int
) -> None:
    for key in refused:
        openai_server.refuse[key] = {"error": {"message": f"{key} response_format not supported"}}
    memory = CapabilityMemory()
    chat = chat_for(openai_server, structured=structured, memory=memory)
    openai_server.push(reply('{"ok": 1}'), reply('{"ok": 2}'))
    assert chat.complete(HELLO, json_mode=True, schema={"type": "object"}) == '{"ok": 1}'
    assert chat.last_call.mode == final and f"{structured} refused" in chat.last_call.notes[0]
    assert len(openai_server.requests) == requests
    assert chat_for(openai_server, structured=structured, memory=memory).complete(
        HELLO, json_mode=True, schema={"type": "object"}) == '{"ok": 2}'
    assert len(openai_server.requests) == requests + 1  # remembered: no refused request again


def test_an_unrelated_400_is_not_retried_and_keeps_the_servers_reason(openai_server: FakeOpenAIServer) -> None:
    from knowledge.errors import LLMError

    openai_server.push(reply("x"))
    openai_server.refuse["json_object"] = {"error": {"message": "model 'nope' not found, try pulling it first"}}
    with pytest.raises(LLMError, match="HTTP 400: model 'nope' not found"):
        chat_for(openai_server, memory=CapabilityMemory()).complete(HELLO, json_mode=True)
    assert len(openai_server.requests) == 1


def test_settings_reach_the_adapters() -> None:
    settings = Settings(openai_api_key="k", llm_model="deepseek-reasoner", llm_timeout=120, llm_phrase_timeout=4,
                        llm_structured="off", llm_max_tokens=9000)
    grading = OpenAIChatModel.from_settings(settings)
    phrasing = OpenAIChatModel.from_settings(settings, purpose="phrase")
    assert (grading.timeout, grading.max_tokens, grading.structured) == (120, 9000, "off")
    assert phrasing.timeout == 4 and phrasing.max_tokens == REASONING_MAX_TOKENS
    assert OpenAIChatModel.from_settings(Settings(openai_api_key="k"), purpose="phrase").max_tokens == 512


@pytest.mark.parametrize("bad", [{"llm_structured": "yaml"}, {"llm_timeout": 0}, {"llm_grade_prompt": "grade_v9"}])
def test_bad_llm_settings_are_refused(bad: dict[str, object]) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(**bad)  # type: ignore[arg-type]
