"""LLM mode wired end to end: `interviewer grade` with OPENAI_* set talks to an OpenAI-compatible
server (the fake one, on loopback) through the real client, and falls back to the offline grader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main
from tests.fakes.openai_server import FakeOpenAIServer, reply, status
from tests.interviewer.test_llm_grader import grade_json

ANSWER = "LoRA 冻结原模型权重，只训练旁路的低秩矩阵 A 和 B，所以显存占用小，推理时还能合并回原权重。"


@pytest.fixture
def llm_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, small_docs: Path, openai_server: FakeOpenAIServer):
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERVIEWER_DOCS_DIR", str(small_docs))
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("INTERVIEWER_LLM_MODEL", "fake-model")
    monkeypatch.setenv("INTERVIEWER_LLM_TIMEOUT", "2")
    monkeypatch.setenv("INTERVIEWER_LLM_MAX_RETRIES", "1")
    assert main(["ingest"]) == 0
    return openai_server


def _grade(capsys) -> dict:
    capsys.readouterr()
    assert main(["grade", "--question", "什么是 LoRA？", "--answer", ANSWER, "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_grade_uses_the_configured_llm(llm_env: FakeOpenAIServer, capsys):
    llm_env.push(reply(grade_json(score=8.5, rubric=8.0)))
    grade = _grade(capsys)
    assert grade["grader"] == "llm" and grade["prompt_version"] == "grade_v2"
    assert grade["score"] == 8.5
    assert grade["references"] and grade["references"][0]["source"] == "finetune.md"
    request = llm_env.requests[-1]
    assert request["model"] == "fake-model"
    assert ANSWER in json.dumps(request, ensure_ascii=False)


def test_llm_outage_falls_back_to_the_offline_grader(llm_env: FakeOpenAIServer, capsys):
    llm_env.push(status(500), status(500), status(500))
    grade = _grade(capsys)
    assert grade["grader"] == "offline-fallback"
    assert 0 <= grade["score"] <= 10 and grade["rubric"]


def test_grade_v1_is_selectable(llm_env: FakeOpenAIServer, capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTERVIEWER_LLM_GRADE_PROMPT", "grade_v1")
    llm_env.push(reply(grade_json(score=8.5, rubric=8.0)))
    assert _grade(capsys)["prompt_version"] == "grade_v1"
    assert "(source: finetune.md" in json.dumps(llm_env.requests[-1], ensure_ascii=False)
