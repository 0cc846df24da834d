"""One simulated session played and replayed, and the interview invariants checked on it."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from evals.personas import MAX_REQUESTS_PER_QUESTION, Candidate
from interviewer.session.interview import Interview
from interviewer.session.models import Reply, SessionPlan, SessionState
from interviewer.session.text import norm
from knowledge.bank import QuestionBank
from knowledge.models import QAItem

LEAK_MIN_CHARS = 10  # normalised characters a leaked fragment must have
_SENTENCE_END = re.compile(r"[。！？；\n]|[.!?;]\s")  # an ASCII "?" alone is often a lost character
RESPONSES = ("answer", "skip", "dont_know")  # after one of these the interviewer may discuss the reference


@dataclass
class Played:
    session_id: str
    persona: str
    plan: SessionPlan
    messages: list[str]
    replies: list[Reply]
    state: SessionState
    seconds: float


def play(interview: Interview, candidate: Candidate, plan: SessionPlan, session_id: str) -> Played:
    started = time.perf_counter()
    state, reply = interview.start(plan, session_id)
    messages: list[str] = []
    replies = [reply]
    limit = len(state.question_ids) * (interview.max_follow_ups + 2 + MAX_REQUESTS_PER_QUESTION) + 5
    while state.status == "active" and len(messages) < limit:
        item = interview.bank.get(state.question_ids[state.current])
        text = candidate.message(item, reply, first=reply.action != "follow_up")
        messages.append(text)
        state, reply = interview.answer(state, text)
        replies.append(reply)
    return Played(session_id, candidate.persona, plan, messages, replies, state, time.perf_counter() - started)


def replay_messages(interview: Interview, played: Played) -> tuple[SessionState, list[Reply]]:
    state, reply = interview.start(played.plan, played.session_id)
    replies = [reply]
    for text in played.messages:
        if state.status != "active":
            break
        state, reply = interview.answer(state, text)
        replies.append(reply)
    return state, replies


def fingerprint(replies: list[Reply]) -> list[tuple[Any, ...]]:
    return [(r.action, r.message, r.done, r.evaluation.score if r.evaluation else None,
             tuple(r.evaluation.flags) if r.evaluation else ()) for r in replies]


def leaked_text(text: str, item: QAItem) -> str | None:
    """A key point or reference sentence of `item` found in `text` (not counting what the question says).

    Independent of the interview's own guard (`session.text.leaks`), and stricter about what counts:
    a fragment shorter than LEAK_MIN_CHARS ("prompt", "LoRA") is shared vocabulary, not a leak.
    """
    haystack, question = norm(text), norm(item.question)
    sentences = [s for ref in [item.answer, *(r.text for r in item.references)] for s in _SENTENCE_END.split(ref)]
    for needle in [*(p.text for p in item.key_points), *sentences]:
        n = norm(needle)
        if len(n) >= LEAK_MIN_CHARS and n in haystack and n not in question:
            return needle.strip()
    return None


def check_invariants(played: Played, interview: Interview, bank: QuestionBank) -> list[str]:
    """Every broken invariant of one played session, as readable lines."""
    state, problems = played.state, []
    ids = [r.item_id for r in state.records]
    if len(set(state.question_ids)) != len(state.question_ids) or len(set(ids)) != len(ids):
        problems.append(f"question repeated: {ids}")
    for r in state.records:
        if len(r.follow_ups_asked) > interview.max_follow_ups:
            problems.append(f"{r.item_id}: {len(r.follow_ups_asked)} follow-ups > cap {interview.max_follow_ups}")
    answered: set[str] = set()
    for turn in state.turns:
        if turn.role == "candidate" and turn.action in RESPONSES and turn.item_id:
            answered.add(turn.item_id)
        elif turn.role == "interviewer" and turn.item_id and turn.item_id not in answered:
            leaked = leaked_text(turn.content, bank.get(turn.item_id))
            if leaked:
                problems.append(f"{turn.item_id}: {turn.kind} message leaks the reference before an answer: "
                                f"{leaked[:60]!r} in {turn.content[:80]!r}")
    problems += _report_problems(played, interview)
    return problems


def _report_problems(played: Played, interview: Interview) -> list[str]:
    state, last = played.state, played.replies[-1]
    if state.status != "finished":
        return [f"session did not finish within {len(played.messages)} messages"]
    problems = []
    if not last.done or last.action != "end" or last.report is None:
        problems.append(f"last reply is not a finished report (action {last.action}, done {last.done})")
    report = interview.report(state)
    if report.status != "finished" or report.planned != len(state.question_ids):
        problems.append(f"report status {report.status}, planned {report.planned}/{len(state.question_ids)}")
    if [q.item_id for q in report.questions] != [r.item_id for r in state.records]:
        problems.append("report questions differ from the questions asked")
    for q, r in zip(report.questions, state.records, strict=False):
        if r.grades and q.score is None:
            problems.append(f"{q.item_id}: graded but has no score in the report")
        if q.score is not None and not 0 <= q.score <= 10:
            problems.append(f"{q.item_id}: report score {q.score} outside 0-10")
    if any(r.grades for r in state.records) and report.score is None:
        problems.append("answered questions but the report has no overall score")
    return problems
