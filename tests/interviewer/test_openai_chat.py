"""The OpenAI-compatible adapter, end to end through the real openai/LangChain client and the fake server."""

from __future__ import annotations

import email.utils
import time

import pytest

from interviewer.llm.openai_chat import OpenAIChatModel
from interviewer.llm.openai_errors import retry_after_seconds
from interviewer.settings import Settings
from knowledge.errors import LLMError
from tests.fakes.openai_server import (
    Action,
    FakeOpenAIServer,
    broken_body,
    delay,
    reply,
    status,
)

HELLO = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}]


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def chat(openai_server: FakeOpenAIServer, sleeps: Sleeps) -> OpenAIChatModel:
    settings = Settings(
        openai_api_key="test-key",
        openai_base_url=openai_server.base_url,
        llm_model="fake-model",
        llm_timeout=0.3,
        llm_max_retries=2,
    )
    return OpenAIChatModel.from_settings(settings, backoff_base=0.01, backoff_cap=0.04, sleep=sleeps)


def test_importing_the_llm_layer_does_not_import_langchain_or_openai(loaded_by) -> None:
    layer = ("interviewer.llm, interviewer.llm.openai_chat, interviewer.llm.grader, interviewer.llm.phrasing, "
             "interviewer.llm.doctor, interviewer.llm.normalise, interviewer.llm.openai_errors, interviewer.prompts")
    assert loaded_by(layer, ("langchain_openai", "langchain_core", "openai", "torch", "jieba")) == []


def test_from_settings_uses_the_settings() -> None:
    settings = Settings(
        openai_api_key="k",
        openai_base_url="http://127.0.0.1:9/v1",
        llm_model="m",
        llm_timeout=1.5,
        llm_max_retries=4,
    )
    chat = OpenAIChatModel.from_settings(settings)
    assert (chat.model, chat.base_url, chat.timeout, chat.max_retries) == (
        "m",
        "http://127.0.0.1:9/v1",
        1.5,
        4,
    )


def test_reply_text_and_request_shape(chat: OpenAIChatModel, openai_server: FakeOpenAIServer) -> None:
    openai_server.push(reply("hi there"))
    assert chat.complete(HELLO) == "hi there"
    [body] = openai_server.requests
    assert body["model"] == "fake-model"
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hello"},
    ]
    assert "response_format" not in body
    assert openai_server.request_headers[0]["authorization"] == "Bearer test-key"


def test_json_mode_sends_response_format(chat: OpenAIChatModel, openai_server: FakeOpenAIServer) -> None:
    openai_server.push(reply('{"ok": true}'))
    assert chat.complete(HELLO, json_mode=True) == '{"ok": true}'
    assert openai_server.requests[0]["response_format"] == {"type": "json_object"}


def test_assistant_turns_are_sent_as_assistant(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer
) -> None:
    chat.complete([*HELLO, {"role": "assistant", "content": "bad"}, {"role": "user", "content": "again"}])
    assert [m["role"] for m in openai_server.requests[0]["messages"]] == [
        "system",
        "user",
        "assistant",
        "user",
    ]


@pytest.mark.parametrize(
    ("script", "requests"),
    [
        ([status(429, retry_after=0), reply("ok")], 2),
        ([status(500), status(503), reply("ok")], 3),
        ([status(502), reply("ok")], 2),
        ([status(408), reply("ok")], 2),
    ],
    ids=["429", "500-503", "502", "408"],
)
def test_transient_failures_are_retried(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, script: list[Action], requests: int
) -> None:
    openai_server.push(*script)
    assert chat.complete(HELLO) == "ok"
    assert len(openai_server.requests) == requests


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_other_4xx_fail_fast(chat: OpenAIChatModel, openai_server: FakeOpenAIServer, code: int) -> None:
    openai_server.push(status(code, message="nope"), reply("never reached"))
    with pytest.raises(LLMError, match=f"HTTP {code}: nope"):
        chat.complete(HELLO)
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ([status(500)] * 3, "HTTP 500"),
        ([status(429, retry_after=0)] * 3, "HTTP 429"),
    ],
    ids=["500x3", "429x3"],
)
def test_gives_up_after_max_retries(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, script: list[Action], reason: str
) -> None:
    openai_server.push(*script, reply("too late"))
    with pytest.raises(LLMError, match=reason):
        chat.complete(HELLO)
    assert len(openai_server.requests) == 3  # 1 + llm_max_retries


def test_backoff_is_exponential_and_capped(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    chat.max_retries = 4
    openai_server.push(*[status(500)] * 4, reply("ok"))
    assert chat.complete(HELLO) == "ok"
    steps = [0.01, 0.02, 0.04, 0.04]
    assert len(sleeps) == 4
    assert all(step / 2 <= s <= step for s, step in zip(sleeps, steps, strict=True))


def test_retry_after_is_honoured(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    chat.timeout = 10  # the wait must fit in the call's deadline
    openai_server.push(status(429, retry_after=1.5), reply("ok"))
    assert chat.complete(HELLO) == "ok"
    assert sleeps == [1.5]


def test_a_retry_that_cannot_finish_before_the_deadline_is_not_started(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    openai_server.push(status(429, retry_after=1.5), reply("ok"))  # 1.5 s wait > the 0.3 s deadline
    with pytest.raises(LLMError, match="HTTP 429"):
        chat.complete(HELLO)
    assert sleeps == [] and len(openai_server.requests) == 1


def test_a_slow_reply_is_waited_for_once_and_never_retried(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    """The deadline is total: the attempt that timed out had all of it, so there is no second one."""
    openai_server.push(delay(1.0), delay(1.0), reply("too late"))
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        chat.complete(HELLO)
    assert len(openai_server.requests) == 1 and sleeps == []
    assert time.monotonic() - started < 0.3 + 0.5  # the deadline, plus a generous margin


def test_a_caller_deadline_shortens_the_call(chat: OpenAIChatModel, openai_server: FakeOpenAIServer) -> None:
    chat.timeout = 30
    openai_server.push(delay(2.0, reply("late")))
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        chat.complete(HELLO, deadline=time.monotonic() + 0.3)
    assert time.monotonic() - started < 1.5
    with pytest.raises(LLMError, match="deadline"):
        chat.complete(HELLO, deadline=time.monotonic() - 1)  # nothing left: no request at all
    assert len(openai_server.requests) == 1


def test_a_long_retry_after_gives_up_at_once(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, sleeps: Sleeps
) -> None:
    openai_server.push(status(429, retry_after=120), reply("ok"))
    with pytest.raises(LLMError, match="HTTP 429"):
        chat.complete(HELLO)
    assert sleeps == []
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers) == seconds


def test_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (retry_after_seconds({"retry-after": when}) or 0) <= 31


@pytest.mark.parametrize("action", [reply(""), broken_body()], ids=["empty", "not-json"])
def test_unusable_replies_raise_llm_error(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer, action: Action
) -> None:
    openai_server.push(action)
    with pytest.raises(LLMError):
        chat.complete(HELLO)


def test_unreachable_endpoint_is_an_llm_error(sleeps: Sleeps) -> None:
    with FakeOpenAIServer() as server:
        base_url = server.base_url  # a loopback port that is closed once the server stops
    chat = OpenAIChatModel(
        model="m", base_url=base_url, api_key="k", timeout=5, max_retries=1, sleep=sleeps
    )
    with pytest.raises(LLMError, match="could not connect"):
        chat.complete(HELLO)
    assert len(sleeps) == 1


def test_fake_server_serves_models_and_streams(openai_server: FakeOpenAIServer) -> None:
    import openai
    from openai.types.chat import ChatCompletionChunk

    client = openai.OpenAI(base_url=openai_server.base_url, api_key="k", max_retries=0)
    assert [m.id for m in client.models.list()] == ["fake-model"]
    openai_server.push(reply("streamed"))
    stream = client.chat.completions.create(model="fake-model", messages=HELLO, stream=True)  # type: ignore[arg-type]
    chunks = [c for c in stream if isinstance(c, ChatCompletionChunk) and c.choices]
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "streamed"


def test_fake_server_default_reply_when_the_queue_is_empty(
    chat: OpenAIChatModel, openai_server: FakeOpenAIServer
) -> None:
    openai_server.default = reply("default")
    assert [chat.complete(HELLO) for _ in range(2)] == ["default", "default"]
    assert len(openai_server.requests) == 2


def test_fake_server_stops_promptly_with_a_request_in_flight() -> None:
    server = FakeOpenAIServer().start()
    server.push(delay(30))
    chat = OpenAIChatModel(model="m", base_url=server.base_url, api_key="k", timeout=0.3, max_retries=0)
    with pytest.raises(LLMError):
        chat.complete(HELLO)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2


def test_network_guard_blocks_outside_addresses(network_guard: list[str]) -> None:
    import socket

    with socket.socket() as sock, pytest.raises(OSError, match="network access blocked"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routable
    assert network_guard == ["('192.0.2.1', 443)"]
    network_guard.clear()  # the guard fails a test at teardown for every attempt it saw
