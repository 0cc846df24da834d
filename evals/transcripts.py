"""Canned transcripts, replayed: each question asked verbatim, the candidate turns played in order
through the interview, every expectation checked (the format and loading: `transcript_format.py`).

A question is looked up in the bank by its text, or, when it is not a bank question, asked as given
and graded against the reference found by search (or the question's own `reference`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from evals.transcript_format import Expect, Transcript, TranscriptQuestion
from interviewer.grading.base import Grader
from interviewer.session.interview import Interview
from interviewer.session.models import Reply, SessionPlan, SessionState
from interviewer.validation import detect_language
from knowledge.bank import QuestionBank
from knowledge.claims import split_claims
from knowledge.errors import InvalidInput
from knowledge.models import KeyPoint, QAItem, Reference

SKIP = {"zh": "跳过", "en": "skip"}  # sent when the transcript has no more turns for an open question
ADHOC_SOURCE = "transcript reference"


# ---- results ----------------------------------------------------------------------------------------


class Check(BaseModel):
    question: int  # 1-based, as a reader counts
    turn: int  # 1-based; 0 for the report
    key: str
    expected: Any
    actual: Any = None
    passed: bool
    reason: str = ""

    def describe(self) -> str:
        where = "report" if self.turn == 0 else f"q{self.question} turn {self.turn}"
        return f"{where}: {self.key} — {self.reason}"


class PlayedTurn(BaseModel):
    question: int
    turn: int
    candidate: str
    message: str = ""  # what the interviewer said back
    action: str | None = None
    score: float | None = None
    flags: list[str] = Field(default_factory=list)
    played: bool = True
    auto: bool = False  # sent by the replayer to move past a question the transcript has finished


class TranscriptResult(BaseModel):
    id: str
    path: str = ""
    description: str = ""
    questions: list[str] = Field(default_factory=list)  # as asked
    passed: bool
    expectations_passed: int
    expectations_total: int
    checks: list[Check] = Field(default_factory=list)
    turns: list[PlayedTurn] = Field(default_factory=list)
    report_score: float | None = None
    graders: list[str] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


# ---- replay -----------------------------------------------------------------------------------------


@dataclass
class ReplayContext:
    """What a replay needs: the bank to find questions in, the grader, and search for unknown questions."""

    bank: QuestionBank
    grader: Grader
    search: Callable[[str], QAItem | None] | None = None
    max_follow_ups: int = 2
    clock: Callable[[], str] = lambda: "2000-01-01T00:00:00+00:00"  # fixed: replays are comparable


def resolve_question(q: TranscriptQuestion, ctx: ReplayContext) -> QAItem:
    """The bank item asked verbatim, or an item with the given text and the reference to grade against."""
    item = ctx.bank.find_by_question(q.question)
    if item is not None and not q.reference:
        return item
    digest = hashlib.sha1(q.question.encode("utf-8")).hexdigest()[:10]
    if q.reference:
        points = [KeyPoint(source=ADHOC_SOURCE, text=c) for c in split_claims(q.reference)]
        if not points:
            raise InvalidInput(f"the reference of {q.question[:40]!r} has no gradeable content")
        return QAItem(id=f"adhoc-{digest}", question=q.question, answer=q.reference, key_points=points,
                      references=[Reference(source=ADHOC_SOURCE, text=q.reference)])
    found = ctx.search(q.question) if ctx.search else None
    if found is None:
        raise InvalidInput(f"question not in the bank and no reference found for it: {q.question[:60]!r}")
    # Keep the found item's id so the grader can use its stored key-point vectors.
    return found.model_copy(update={"question": q.question})


def _language(t: Transcript) -> str:
    if t.language:
        return t.language
    text = " ".join(turn.candidate for q in t.questions for turn in q.turns)
    return detect_language(text)


def start_in_order(items: list[QAItem], plan: SessionPlan, session_id: str, ctx: ReplayContext
                   ) -> tuple[Interview, SessionState, Reply]:
    """Start a session that asks exactly `items`, in order (the planner would shuffle them)."""
    interview = Interview(QuestionBank(items), ctx.grader, clock=ctx.clock, max_follow_ups=ctx.max_follow_ups)
    state, reply = interview.start(plan, session_id, question_ids=[i.id for i in items])
    return interview, state, reply


def _checks(expect: Expect, reply: Reply | None, qi: int, ti: int, not_played: str = "") -> list[Check]:
    grade = reply.evaluation if reply else None
    checks = []
    for key in expect.checked_keys():
        expected = getattr(expect, key)
        if reply is None:
            checks.append(Check(question=qi, turn=ti, key=key, expected=expected, passed=False, reason=not_played))
            continue
        if key == "action":
            wanted = expected if isinstance(expected, list) else [expected]
            ok = reply.action in wanted
            reason = "" if ok else f"interviewer did {reply.action!r}, expected {' or '.join(wanted)}"
            checks.append(Check(question=qi, turn=ti, key=key, expected=expected, actual=reply.action,
                                passed=ok, reason=reason))
        elif grade is None:
            checks.append(Check(question=qi, turn=ti, key=key, expected=expected, passed=False,
                                reason=f"no grade for this turn (interviewer did {reply.action!r})"))
        elif key == "score":
            lo, hi = expected
            ok = lo <= grade.score <= hi
            reason = "" if ok else f"score {grade.score:.1f} outside [{lo:g}, {hi:g}]"
            checks.append(Check(question=qi, turn=ti, key=key, expected=list(expected), actual=grade.score,
                                passed=ok, reason=reason))
        else:
            lacking = [f for f in expected if f not in grade.flags]
            reason = f"flags {grade.flags} lack {lacking}" if lacking else ""
            checks.append(Check(question=qi, turn=ti, key=key, expected=expected, actual=list(grade.flags),
                                passed=not lacking, reason=reason))
    return checks


def _played(qi: int, ti: int, text: str, reply: Reply, auto: bool = False) -> PlayedTurn:
    grade = reply.evaluation
    return PlayedTurn(question=qi, turn=ti, candidate=text, message=reply.message, action=reply.action,
                      score=grade.score if grade else None, flags=list(grade.flags) if grade else [], auto=auto)


def replay(t: Transcript, ctx: ReplayContext, tick: Callable[[int], None] | None = None) -> TranscriptResult:
    """Play the transcript's turns in order and check every expectation."""
    items = [resolve_question(q, ctx) for q in t.questions]
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{t.path or t.id}: a question appears twice in transcript {t.id!r}")
    lang = _language(t)
    plan = SessionPlan(num_questions=len(items), language=lang, mode="practice")  # type: ignore[arg-type]
    interview, state, _ = start_in_order(items, plan, f"eval-{t.id}", ctx)
    checks: list[Check] = []
    turns: list[PlayedTurn] = []
    for qi, q in enumerate(t.questions):
        for ti, turn in enumerate(q.turns):
            if state.status == "finished" or state.current != qi:
                why = "the interview had ended" if state.status == "finished" else "the interviewer had moved on"
                checks += _checks(turn.expect, None, qi + 1, ti + 1, f"not played: {why} before this turn")
                turns.append(PlayedTurn(question=qi + 1, turn=ti + 1, candidate=turn.candidate, played=False))
            else:
                state, reply = interview.answer(state, turn.candidate)
                checks += _checks(turn.expect, reply, qi + 1, ti + 1)
                turns.append(_played(qi + 1, ti + 1, turn.candidate, reply))
            if tick:
                tick(1)
        while state.status == "active" and state.current == qi:
            state, reply = interview.answer(state, SKIP[lang])
            turns.append(_played(qi + 1, len(q.turns) + 1, SKIP[lang], reply, auto=True))
    report = interview.report(state)
    if t.report and t.report.score is not None:
        lo, hi = t.report.score
        ok = report.score is not None and lo <= report.score <= hi
        reason = "" if ok else f"report score {report.score} outside [{lo:g}, {hi:g}]"
        checks.append(Check(question=0, turn=0, key="report.score", expected=[lo, hi], actual=report.score,
                            passed=ok, reason=reason))
    passed = sum(c.passed for c in checks)
    return TranscriptResult(
        id=t.id, path=t.path, description=t.description, questions=[i.question for i in items],
        passed=passed == len(checks), expectations_passed=passed, expectations_total=len(checks),
        checks=checks, turns=turns, report_score=report.score,
        graders=list(state.graders), prompt_versions=list(state.prompt_versions),
    )
