"""Canned transcripts: loading (JSON/YAML, errors with their location) and replay with expectation checks."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from evals.transcript_format import Transcript, load_transcripts
from evals.transcripts import ReplayContext, replay
from knowledge.errors import InvalidInput


def ctx(kit: SimpleNamespace, grader=None, search=None) -> ReplayContext:  # type: ignore[no-untyped-def]
    return ReplayContext(bank=kit.make_bank(), grader=grader or kit.ScriptedGrader(), search=search)


def transcript(*questions: dict, **extra: object) -> Transcript:
    return Transcript.model_validate({"id": "t", "questions": list(questions), **extra})


def test_loads_yaml_json_and_lists(tmp_path: Path, kit: SimpleNamespace) -> None:
    one = kit.write_yaml(tmp_path / "one.yml", kit.TRANSCRIPT)
    many = tmp_path / "many.json"
    many.write_text(json.dumps([kit.TRANSCRIPT, {**kit.TRANSCRIPT, "id": "second"}], ensure_ascii=False), encoding="utf-8")
    assert [t.id for t in load_transcripts(one)] == ["t-strong"]
    loaded = load_transcripts(many)
    assert [t.id for t in loaded] == ["t-strong", "second"]
    assert loaded[0].questions[1].turns[0].expect.score == (3.0, 7.0)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "id: x\nquestions: [\n  - oops", "invalid YAML at line"),
        ("bad.json", '{"id": "x", "questions": [}', "invalid JSON"),
        ("list.yaml", "- 1\n- 2\n", "expected a transcript object"),
        ("noq.yaml", "id: x\n", "questions: Field required"),
        ("noturns.yaml", "id: x\nquestions:\n  - question: q\n    turns: []\n", "turns: List should have at least 1"),
        ("key.yaml", "id: x\nquestions:\n  - question: q\n    turns:\n      - candidate: a\n        expect: {grade: 3}\n",
         "expect.grade: Extra inputs are not permitted"),
        ("range.yaml", "id: x\nquestions:\n  - question: q\n    turns:\n      - candidate: a\n        expect: {score: [8, 2]}\n",
         "must satisfy 0 <= min <= max <= 10"),
        ("action.yaml", "id: x\nquestions:\n  - question: q\n    turns:\n      - candidate: a\n        expect: {action: leave}\n",
         "expect.action"),
    ],
)
def test_bad_files_say_where_and_what(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load_transcripts(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: café\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="not valid UTF-8"):
        load_transcripts(path)


def test_replay_passes_when_the_interviewer_behaves(kit: SimpleNamespace) -> None:
    result = replay(Transcript.model_validate(kit.TRANSCRIPT), ctx(kit))
    assert result.passed, [c.describe() for c in result.failures]
    assert (result.expectations_passed, result.expectations_total) == (5, 5)
    assert [t.action for t in result.turns] == ["next", "follow_up", "end"]
    assert result.questions == ["什么是 LoRA？", "什么是 KV Cache？"]


def test_failed_expectations_say_why(kit: SimpleNamespace) -> None:
    t = transcript(
        {"question": "什么是 LoRA？", "turns": [
            {"candidate": "低秩", "expect": {"score": [7, 10], "action": "next", "flags": ["injection_attempt"]}}]},
    )
    result = replay(t, ctx(kit))
    assert not result.passed and result.expectations_total == 3 and result.expectations_passed == 0
    reasons = {c.key: c.reason for c in result.failures}
    assert reasons["score"] == "score 3.3 outside [7, 10]"
    assert reasons["action"] == "interviewer did 'follow_up', expected next"
    assert reasons["flags"] == "flags [] lack ['injection_attempt']"


def test_flags_and_action_alternatives(kit: SimpleNamespace) -> None:
    t = transcript({"question": "什么是 RAG？", "turns": [
        {"candidate": "检索 幻觉 更新 [flag:injection_attempt]",
         "expect": {"flags": ["injection_attempt"], "action": ["next", "end"], "score": [9, 10]}}]})
    assert replay(t, ctx(kit)).passed


def test_turns_after_the_interviewer_moved_on_are_not_played(kit: SimpleNamespace) -> None:
    t = transcript(
        {"question": "什么是 LoRA？", "turns": [
            {"candidate": "低秩 冻结 合并"},
            {"candidate": "还有一点", "expect": {"score": [0, 10]}},
        ]},
        {"question": "什么是 RAG？", "turns": [{"candidate": "检索 幻觉 更新", "expect": {"action": "end"}}]},
    )
    result = replay(t, ctx(kit))
    assert [c.describe() for c in result.failures] == [
        "q1 turn 2: score — not played: the interviewer had moved on before this turn"]
    assert result.turns[1].played is False
    assert result.turns[2].action == "end"  # the next question still lines up


def test_open_question_is_skipped_when_the_transcript_has_no_more_turns(kit: SimpleNamespace) -> None:
    t = transcript(
        {"question": "什么是 LoRA？", "turns": [{"candidate": "低秩", "expect": {"action": "follow_up"}}]},
        {"question": "什么是 RAG？", "turns": [{"candidate": "检索 幻觉 更新", "expect": {"score": [9, 10]}}]},
    )
    result = replay(t, ctx(kit))
    assert result.passed
    auto = [p for p in result.turns if p.auto]
    assert len(auto) == 1 and auto[0].candidate == "跳过" and auto[0].action == "next"


def test_requests_and_early_end(kit: SimpleNamespace) -> None:
    t = transcript(
        {"question": "什么是 LoRA？", "turns": [
            {"candidate": "能重复一下问题吗？", "expect": {"action": "repeat"}},
            {"candidate": "给个提示", "expect": {"action": "hint"}},
            {"candidate": "不知道", "expect": {"score": [0, 0], "action": "next", "flags": ["non_answer"]}},
        ]},
        {"question": "什么是 KV Cache？", "turns": [{"candidate": "结束面试", "expect": {"action": "end"}}]},
        {"question": "什么是 RAG？", "turns": [{"candidate": "检索", "expect": {"score": [0, 10]}}]},
        report={"score": [0, 1]},
    )
    result = replay(t, ctx(kit))
    failures = [c.describe() for c in result.failures]
    assert failures == ["q3 turn 1: score — not played: the interview had ended before this turn"]
    assert result.report_score == 0.0


def test_score_expectation_on_an_ungraded_turn_fails_with_the_action(kit: SimpleNamespace) -> None:
    t = transcript({"question": "什么是 LoRA？", "turns": [{"candidate": "重复一下问题", "expect": {"score": [0, 10]}}]})
    (check,) = replay(t, ctx(kit)).failures
    assert check.reason == "no grade for this turn (interviewer did 'repeat')"


def test_question_outside_the_bank_uses_search_or_its_reference(kit: SimpleNamespace) -> None:
    grader = kit.ScriptedGrader()
    searched = transcript({"question": "讲讲 lora 的原理", "turns": [{"candidate": "低秩 冻结 合并",
                                                                    "expect": {"score": [9, 10]}}]})
    result = replay(searched, ctx(kit, grader, search=lambda q: kit.make_bank().get("lora") if "lora" in q else None))
    assert result.passed and result.questions == ["讲讲 lora 的原理"]

    given = transcript({"question": "梯度裁剪是什么？", "reference": "阈值：梯度范数超过阈值时按比例缩小。防爆炸：防止梯度爆炸。",
                        "turns": [{"candidate": "阈值 防爆炸", "expect": {"score": [9, 10]}}]})
    assert replay(given, ctx(kit, grader)).passed

    with pytest.raises(InvalidInput, match="no reference found"):
        replay(transcript({"question": "完全无关的问题", "turns": [{"candidate": "x"}]}), ctx(kit, grader))


def test_a_question_twice_in_one_transcript_is_bad_input(kit: SimpleNamespace) -> None:
    q = {"question": "什么是 LoRA？", "turns": [{"candidate": "低秩"}]}
    with pytest.raises(InvalidInput, match="appears twice"):
        replay(transcript(q, q), ctx(kit))
