"""A suite of grade replies in the shapes real providers send, through the real openai/LangChain client
against the loopback fake server. Each ends as the correct LLM grade, or as a marked fallback for the
genuinely unusable ones; no draft inside reasoning and no scale error survives.

The shapes are modelled on replies reported for OpenAI, DeepSeek (reasoner, JSON mode), Qwen3 on vLLM
and Ollama, LM Studio and llama.cpp: fences and prose, `<think>` blocks with a draft grade, reasoning
fields, empty content, refusals, HTTP 200 error bodies, 0-1 / 1-5 / 0-100 scales, "8/10" and "8分",
rubrics as mappings or with Chinese names, wrappers, aliases, key points by 0-based index or by text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from interviewer.grading.models import CRITERIA
from interviewer.llm.capabilities import CapabilityMemory
from interviewer.llm.grader import LLMGrader
from interviewer.llm.openai_chat import OpenAIChatModel
from interviewer.settings import DEFAULT_PROMPTS
from tests.fakes.openai_server import (
    Action,
    FakeOpenAIServer,
    delay,
    error_body_200,
    reply,
    tool_call,
)
from tests.interviewer.test_llm_grader import POINTS, REQUEST, FixedGrader


@dataclass(frozen=True)
class LLM:
    score: float
    covered: tuple[int, ...] = (0, 1)


@dataclass(frozen=True)
class Fallback:
    reason: str


def grade(score: Any = 8, rubric: Any = 8, covered: Any = (1, 2), missing: Any = (3,), **extra: Any) -> dict:
    body: dict[str, Any] = {
        "evidence": [{"point": 1, "quote": "冻结原始权重", "verdict": "covered"}],
        "rubric": [{"criterion": c, "score": rubric, "comment": "ok"} for c in CRITERIA],
        "score": score,
        "covered": None if covered is None else list(covered),
        "missing": None if missing is None else list(missing),
        "flags": [],
        "summary": "讲清了原理。",
    }
    return {k: v for k, v in (body | extra).items() if v is not None}


def j(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


GOOD = j(grade())
DRAFT = j(grade(score=5, rubric=5, covered=(1,), missing=(2, 3)))
WEAK_1_5 = j(grade(score=2, rubric=2, covered=(), missing=(1, 2, 3)))

# (id, server actions, expected outcome, adapter options)
CASES: list[tuple[str, list[Action], LLM | Fallback, dict[str, Any]]] = [
    ("plain", [reply(GOOD)], LLM(8.0), {}),
    ("fence", [reply(f"```json\n{GOOD}\n```")], LLM(8.0), {}),
    ("prose-around", [reply(f"Here is my evaluation:\n{GOOD}\nLet me know!")], LLM(8.0), {}),
    ("think-draft-then-final", [reply(f"<think>First pass: {DRAFT}. Wait, point 2 is covered.</think>\n{GOOD}")],
     LLM(8.0), {}),
    ("think-close-only", [reply(f"Draft {DRAFT} ... on reflection\n</think>\n\n{GOOD}")], LLM(8.0), {}),
    ("thinking-tag", [reply(f"<thinking>{DRAFT}</thinking>{GOOD}")], LLM(8.0), {}),
    ("reasoning-content-field", [reply(GOOD, reasoning_content=f"draft: {DRAFT}")], LLM(8.0), {}),
    ("reasoning-field-ollama", [reply(GOOD, reasoning=f"draft: {DRAFT}")], LLM(8.0), {}),
    ("qwen3-vllm-answer-in-reasoning", [reply(None, reasoning_content=GOOD), reply(GOOD)], LLM(8.0), {}),
    ("deepseek-json-mode-empty", [reply(""), reply(GOOD)], LLM(8.0), {}),
    ("empty-twice", [reply(""), reply("   ")], Fallback("empty reply"), {}),
    ("openai-refusal", [reply(None, refusal="I can't help with that."), reply(None, refusal="I can't.")],
     Fallback("refused"), {}),
    ("think-cut-by-max-tokens", [reply(f"<think>Let me weigh {DRAFT}", finish_reason="length")] * 2,
     Fallback("max_tokens"), {}),
    ("http-200-error-then-ok", [error_body_200({"error": {"message": "upstream overloaded", "code": 500}}),
                                reply(GOOD)], LLM(8.0), {}),
    ("http-200-dashscope-error", [error_body_200({"code": "Throttling", "message": "Requests throttled"})] * 2,
     Fallback("HTTP 200"), {}),
    ("scale-0-100", [reply(j(grade(score=80, rubric=80)))], LLM(8.0), {}),
    ("scale-0-100-overall-only", [reply(j(grade(score=78, rubric=8)))], LLM(7.8), {}),
    ("scale-1-5", [reply(j(grade(score=4, rubric=4, covered=(1, 2, 3), missing=())))], LLM(8.0, (0, 1, 2)), {}),
    ("scale-1-5-weak-answer-kept", [reply(WEAK_1_5)], LLM(2.0, ()), {}),
    ("scale-0-1", [reply(j(grade(score=0.8, rubric=0.8)))], LLM(8.0), {}),
    ("scale-0-1-weak-answer-kept", [reply(j(grade(score=0.5, rubric=0.5, covered=(), missing=(1, 2, 3))))],
     LLM(0.5, ()), {}),
    ("stated-scale", [reply(j(grade(score=4, rubric=4, scale=5)))], LLM(8.0), {}),
    ("slash-10-strings", [reply(j(grade(score="8/10", rubric="8/10")))], LLM(8.0), {}),
    ("fen-strings", [reply(j(grade(score="8分", rubric="8分")))], LLM(8.0), {}),
    ("slash-5-strings", [reply(j(grade(score="4/5", rubric="4/5")))], LLM(8.0), {}),
    ("percent-strings", [reply(j(grade(score="80%", rubric="80%")))], LLM(8.0), {}),
    ("numeric-strings", [reply(j(grade(score="8", rubric="8.0")))], LLM(8.0), {}),
    ("rubric-mapping", [reply(j(grade(rubric=None) | {"rubric": {c: 8 for c in CRITERIA}}))], LLM(8.0), {}),
    ("rubric-mapping-objects", [reply(j(grade(rubric=None) | {"rubric": {c: {"score": 8, "comment": "ok"}
                                                                          for c in CRITERIA}}))], LLM(8.0), {}),
    ("rubric-list-of-lists", [reply(j(grade(rubric=None) | {"rubric": [[c, 8, "ok"] for c in CRITERIA]}))],
     LLM(8.0), {}),
    ("chinese-criteria", [reply(j(grade(rubric=None) | {"rubric": [
        {"维度": name, "得分": 8, "理由": "好"} for name in ("准确性", "完整性", "深度", "清晰度")]}))], LLM(8.0), {}),
    ("chinese-keys", [reply(j({"总分": 8, "评分细则": {"准确性": 8, "完整性": 8, "深度": 8, "清晰度": 8},
                               "已覆盖": [1, 2], "遗漏": [3], "总结": "不错"}))], LLM(8.0), {}),
    ("grade-wrapper", [reply(j({"grade": grade()}))], LLM(8.0), {}),
    ("double-wrapper", [reply(j({"result": {"evaluation": grade()}}))], LLM(8.0), {}),
    ("overall-score-alias", [reply(j(grade(score=None) | {"overall_score": 8}))], LLM(8.0), {}),
    ("no-overall", [reply(j(grade(score=None)))], LLM(8.0), {}),
    ("criteria-at-top", [reply(j({c: 8 for c in CRITERIA} | {"score": 8, "covered": [1, 2]}))], LLM(8.0), {}),
    ("covered-by-exact-text", [reply(j(grade(covered=(POINTS[0].text, POINTS[1].text), missing=None)))],
     LLM(8.0), {}),
    ("covered-by-paraphrase", [reply(j(grade(covered=("冻结原始权重、只训练低秩矩阵 A、B", "可训练参数大幅减少，显存低"),
                                             missing=None)))], LLM(8.0), {}),
    ("covered-0-based", [reply(j(grade(covered=(0, 1), missing=(2,))))], LLM(8.0), {}),
    ("covered-labels", [reply(j(grade(covered=("[1]", "要点2"), missing=("第3点",))))], LLM(8.0), {}),
    ("covered-booleans", [reply(j(grade(covered=(True, True, False), missing=None)))], LLM(8.0), {}),
    ("only-missing", [reply(j(grade(covered=None, missing=(3,))))], LLM(8.0), {}),
    ("evidence-only", [reply(j(grade(covered=None, missing=None) | {"evidence": [
        {"point": 1, "quote": "冻结", "verdict": "covered"}, {"point": 2, "quote": "参数少", "verdict": "covered"},
        {"point": 3, "quote": "", "verdict": "missing"}]}))], LLM(8.0), {}),
    ("unknown-flags-and-keys", [reply(j(grade(flags=["great_answer"], confidence=0.9)))], LLM(8.0), {}),
    ("tool-call", [tool_call(grade())], LLM(8.0), {"structured": "tools"}),
    ("tool-call-args-as-text", [tool_call(f"```json\n{GOOD}\n```")], LLM(8.0), {"structured": "tools"}),
    ("json-schema-mode", [reply(GOOD)], LLM(8.0), {"structured": "json_schema"}),
    ("prompt-only-mode", [reply(f"Sure!\n{GOOD}")], LLM(8.0), {"structured": "off"}),
    ("prose-then-repair", [reply("I'd give it an 8 out of 10, solid answer."), reply(GOOD)], LLM(8.0), {}),
    ("truncated-json-then-retry", [reply(GOOD[:60], finish_reason="length"), reply(GOOD)], LLM(8.0), {}),
    ("markdown-table-twice", [reply("| criterion | score |\n|---|---|\n| accuracy | 8 |")] * 2,
     Fallback("invalid grade JSON after one repair"), {}),
    ("rubric-incomplete-twice", [reply(j(grade(rubric=None) | {"rubric": {"accuracy": 8}}))] * 2,
     Fallback("rubric lacks completeness, depth, clarity"), {}),
    ("slow-reasoning-past-deadline", [delay(2.0, reply(GOOD))], Fallback("timed out"), {"timeout": 0.5}),
    ("slow-reasoning-within-deadline", [delay(0.3, reply(f"<think>{DRAFT}</think>{GOOD}"))], LLM(8.0),
     {"timeout": 5}),
]


@pytest.fixture
def make_grader(openai_server: FakeOpenAIServer):
    def make(**options: Any) -> tuple[LLMGrader, FixedGrader]:
        timeout = options.pop("timeout", 3.0)
        chat = OpenAIChatModel(
            model="fake-model", base_url=openai_server.base_url, api_key="k", timeout=timeout,
            max_retries=1, backoff_base=0.01, backoff_cap=0.02, memory=CapabilityMemory(), **options,
        )
        fallback = FixedGrader(score=3.0)
        return LLMGrader(chat, fallback, DEFAULT_PROMPTS, timeout=timeout, disagreement=0), fallback

    return make


def test_the_suite_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert sum(isinstance(expected, Fallback) for _, _, expected, _ in CASES) >= 5


@pytest.mark.parametrize(("actions", "expected", "options"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reply(
    make_grader, openai_server: FakeOpenAIServer, actions: list[Action], expected: LLM | Fallback,
    options: dict[str, Any],
) -> None:
    grader, fallback = make_grader(**options)
    openai_server.push(*actions)
    result = grader.grade(REQUEST)
    if isinstance(expected, Fallback):
        assert result.grader == "offline-fallback"
        assert expected.reason in result.note
        assert result.score == fallback.score
        return
    assert result.grader == "llm", result.note
    assert result.prompt_version == "grade_v2"
    assert result.score == expected.score
    assert result.covered == [POINTS[i].text for i in expected.covered]
    assert all(0 <= r.score <= 10 for r in result.rubric) and [r.criterion for r in result.rubric] == list(CRITERIA)
    assert openai_server.pending == 0  # every scripted reply was needed, none more


def test_a_retry_after_an_empty_json_mode_reply_is_sent_without_json_mode(
    make_grader, openai_server: FakeOpenAIServer
) -> None:
    grader, _ = make_grader()
    openai_server.push(reply(None, reasoning_content=GOOD), reply(GOOD))
    assert grader.grade(REQUEST).score == 8.0
    first, second = openai_server.requests
    assert first["response_format"] == {"type": "json_object"} and "response_format" not in second


def test_strict_modes_send_the_grade_schema(make_grader, openai_server: FakeOpenAIServer) -> None:
    grader, _ = make_grader(structured="json_schema")
    openai_server.push(reply(GOOD))
    grader.grade(REQUEST)
    fmt = openai_server.requests[0]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert list(schema["properties"])[:3] == ["evidence", "rubric", "score"]  # evidence before scores
    assert set(schema["required"]) == set(schema["properties"])

    grader, _ = make_grader(structured="tools")
    openai_server.push(tool_call(grade()))
    grader.grade(REQUEST)
    body = openai_server.requests[1]
    assert body["tools"][0]["function"]["parameters"] == schema
    assert body["tool_choice"]["function"]["name"] == body["tools"][0]["function"]["name"]


def test_evidence_quotes_and_partly_reach_the_points(make_grader, openai_server: FakeOpenAIServer) -> None:
    grader, _ = make_grader()
    evidence = [{"point": 1, "quote": "冻结原始权重", "verdict": "covered"},
                {"point": 3, "quote": "合并", "verdict": "partly"}]
    openai_server.push(reply(j(grade(covered=(1,), missing=(2, 3), evidence=evidence))))
    points = grader.grade(REQUEST).points
    assert (points[0].covered, points[0].evidence) == (True, "冻结原始权重")
    assert (points[2].covered, points[2].partly) == (False, True)
