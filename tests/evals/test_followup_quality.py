"""Issue 9's bar for follow-ups and hints, over simulated interviews on the real seed bank.

No follow-up or hint holds a cut-off quote, text that lost characters, or a key point's text; every
"你提到了 / You mentioned" quotes the candidate; no follow-up repeats within an interview.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from evals.graders import LexicalFakeGrader
from evals.invariants import leaked_text
from evals.labelled import load_labelled
from evals.personas import PERSONAS, AnswerPool, Candidate
from evals.simulate import DEFAULT_LABELLED
from interviewer.grading.models import Grade, GradeRequest
from interviewer.session.interview import Interview
from interviewer.session.models import SessionPlan, SessionState
from knowledge.bank import QuestionBank
from knowledge.parsing import parse_corpus
from knowledge.textclean import LOST

DOCS = Path(__file__).resolve().parents[2] / "knowledge" / "docs"
SESSIONS = 24
MENTION = re.compile(r"你提到了「([^」]+)」|You mentioned “([^”]+)”")
LOST_QUESTION_MARK = re.compile(r"[\u4e00-\u9fff]\?|\?[\u4e00-\u9fffA-Za-z]")


class FollowingGrader(LexicalFakeGrader):
    """The lexical stand-in without its off-topic flag, and with "partly" for a point half there: weak
    answers then get follow-ups, which is what this test needs to see many of."""

    def grade(self, request: GradeRequest) -> Grade:
        grade = super().grade(request)
        grade.flags = [f for f in grade.flags if f != "off_topic"]
        for point in grade.points:
            point.partly = not point.covered and bool(point.text[:4]) and point.text[:4] in request.answer
        return grade


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank(parse_corpus(DOCS).items)


@pytest.fixture(scope="module")
def played(bank: QuestionBank) -> list[SessionState]:
    damaged = [i.id for i in bank.items if "encoding_loss" in i.flags]
    interview = Interview(bank, FollowingGrader(), clock=lambda: "t", max_follow_ups=2)
    pool = AnswerPool.from_sets([load_labelled(p) for p in sorted(DEFAULT_LABELLED.glob("*.jsonl"))], bank)
    sessions = []
    for n in range(SESSIONS):
        rng = random.Random(n)
        language = "en" if n % 4 == 3 else "zh"
        candidate = Candidate(PERSONAS[n % len(PERSONAS)], rng, pool, bank, language)
        plan = SessionPlan(num_questions=5, language=language)  # type: ignore[arg-type]
        # every other session asks items of the badly encoded note, which the planner keeps for last
        ids = rng.sample(damaged, 5) if n % 2 else None
        state, reply = interview.start(plan, f"f{n}", question_ids=ids)
        for _ in range(n % 3):  # some candidates ask for hints before answering
            state, reply = interview.answer(state, "给个提示" if language == "zh" else "hint please")
        for _ in range(60):
            if state.status != "active":
                break
            item = bank.get(state.question_ids[state.current])
            state, reply = interview.answer(state, candidate.message(item, reply, first=reply.action != "follow_up"))
        sessions.append(state)
    return sessions


def interviewer_lines(state: SessionState, kind: str) -> list[tuple[str, str]]:
    return [(t.item_id or "", t.content) for t in state.turns if t.role == "interviewer" and t.kind == kind]


def test_enough_follow_ups_and_hints_were_asked_to_judge(played) -> None:
    follow_ups = sum(len(interviewer_lines(s, "follow_up")) for s in played)
    hints = sum(len(interviewer_lines(s, "hint")) for s in played)
    assert follow_ups >= 40 and hints >= 3, (follow_ups, hints)


def test_no_cut_off_damaged_or_reference_text_in_follow_ups_and_hints(played, bank) -> None:
    for state in played:
        for kind in ("follow_up", "hint"):
            for _, text in interviewer_lines(state, kind):
                assert "…" not in text, text  # no truncated quote
                assert LOST not in text and not LOST_QUESTION_MARK.search(text), text
        for record in state.records:
            item = bank.get(record.item_id)
            for text in [*record.follow_ups_asked, *record.hints]:
                assert leaked_text(text, item) is None, (text, leaked_text(text, item))
                assert not any(kp.text in text for kp in item.key_points), text


def test_you_mentioned_always_quotes_the_candidate(played) -> None:
    mentions = 0
    for state in played:
        for record in state.records:
            said = "\n".join(t.content for t in state.turns if t.role == "candidate" and t.item_id == record.item_id)
            for text in record.follow_ups_asked:
                for match in MENTION.finditer(text):
                    mentions += 1
                    quote = match.group(1) or match.group(2)
                    assert quote in said, (quote, said[:200])
    assert mentions >= 1  # the bar is exercised, not vacuous


def test_no_follow_up_repeats_within_an_interview(played) -> None:
    for state in played:
        asked = [q for r in state.records for q in r.follow_ups_asked]
        assert len(asked) == len(set(asked)), asked


def test_english_interviews_quote_no_chinese_in_follow_ups_and_hints(played) -> None:
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for state in played:
        if state.plan.language != "en":
            continue
        for kind in ("follow_up", "hint"):
            for _, text in interviewer_lines(state, kind):
                assert not cjk.search(text), text
