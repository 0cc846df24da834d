"""`interviewer doctor` against the loopback fake in its four modes: ok, 400 to JSON mode, slow, down."""

from __future__ import annotations

import json

import pytest

from interviewer.cli import main
from tests.fakes.openai_server import FakeOpenAIServer, delay, reply
from tests.interviewer.test_llm_grader import grade_json

LM_STUDIO_400 = {"error": "'response_format.type' must be 'json_schema' or 'text'"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, openai_server: FakeOpenAIServer) -> FakeOpenAIServer:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM_MODEL", "fake-model")
    monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "20")  # generous: a loaded machine must not look slow
    return openai_server


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["doctor", *args])
    return code, capsys.readouterr().out


def test_ok(env: FakeOpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    env.push(reply(grade_json(score=9, rubric=9, covered=[1, 2, 3], missing=[])))
    code, out = doctor(capsys)
    assert code == 0, out
    assert "[ok  ] model: fake-model is served" in out
    assert "[ok  ] structured output: json_object works" in out
    assert "[ok  ] sane grade: a complete answer scored 9.0/10 (grade_v2)" in out
    assert "LLM mode is ready." in out and "Set:" not in out
    assert len(env.requests) == 1


def test_a_server_refusing_json_mode(env: FakeOpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    env.refuse["json_object"] = LM_STUDIO_400
    env.push(reply(grade_json(score=9, rubric=9, covered=[1, 2, 3], missing=[])))
    code, out = doctor(capsys)
    assert code == 0, out
    assert "must be 'json_schema' or 'text'" in out  # the server's own reason
    assert "export INTERVIEWER_LLM_STRUCTURED=off" in out
    assert "prompt-only JSON works" in out


def test_a_slow_server(
    env: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "1")
    env.push(delay(5, reply(grade_json())))
    code, out = doctor(capsys)
    assert code == 1
    assert "no reply within INTERVIEWER_LLM_TIMEOUT=1 s" in out
    assert "export INTERVIEWER_LLM_TIMEOUT=60" in out
    assert len(env.requests) == 1  # waited for once, not retried


def test_a_server_that_is_down(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with FakeOpenAIServer() as server:
        url = server.base_url  # closed once the server stops
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    code, out = doctor(capsys)
    assert code == 1
    assert "[FAIL] reachable: could not connect" in out


def test_an_unknown_model_and_a_harsh_grade(env: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM_MODEL", "qwen3:8b")
    env.push(reply(grade_json(score=3, rubric=3)))
    code, out = doctor(capsys, "--json")
    result = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and result["ok"] is True
    status = {c["name"]: c["status"] for c in result["checks"]}
    assert status["model"] == "warn" and status["sane grade"] == "warn"
    assert "INTERVIEWER_LLM_MODEL=fake-model" in result["set"]


def test_without_a_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, out = doctor(capsys)
    assert code == 1 and "no OPENAI_API_KEY" in out


def test_a_slow_but_working_server_gets_a_longer_deadline(
    env: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "4")
    env.push(delay(2.5, reply(grade_json(score=9, rubric=9, covered=[1, 2, 3], missing=[]))))
    code, out = doctor(capsys, "--json")
    result = json.loads(out.strip().splitlines()[-1])
    assert code == 0
    assert {c["name"]: c["status"] for c in result["checks"]}["latency"] == "warn"
    [advice] = result["set"]
    assert advice.startswith("INTERVIEWER_LLM_TIMEOUT=") and int(advice.split("=")[1]) >= 8  # 3 x 2.5 s, rounded up
