"""The LLM grader: the rubric prompt, one repair retry, clamped scores, and a fallback that never fails.

The model proposes; this module disposes. Every score is clamped to 0-10, the deterministic injection
detector can only lower the grade (to what the offline grader gives the answer without the injected
text), and any failure returns the offline grade for the turn, marked "offline-fallback".
"""

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from interviewer.grading.base import Grader
from interviewer.grading.models import (
    CRITERIA,
    Flag,
    Grade,
    GradeReference,
    GradeRequest,
    PointResult,
    RubricScore,
)
from interviewer.llm.chat import ChatModel, Message
from interviewer.prompts import Prompt, load_prompt
from interviewer.validation import is_blank
from knowledge.errors import LLMError

log = logging.getLogger(__name__)

GRADE_PROMPT = "grade_v1"
REPAIR_PROMPT = "repair_v1"
KNOWN_FLAGS: tuple[str, ...] = get_args(Flag)
LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}
FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)


class ReplyError(ValueError):
    """The model's reply is not a JSON object of the grade schema; the message says why (no input echo)."""


class _Criterion(BaseModel):
    criterion: str
    score: float
    comment: str | None = ""

    @field_validator("criterion")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return value.strip().lower()


class _Reply(BaseModel):
    """The grade as the model states it, before clamping and mapping."""

    score: float
    rubric: list[_Criterion]
    covered: list[int | str] = []
    missing: list[int | str] = []
    flags: list[str] = []
    summary: str | None = ""

    @model_validator(mode="after")
    def _complete_and_finite(self) -> _Reply:
        if not all(math.isfinite(s) for s in [self.score, *(r.score for r in self.rubric)]):
            raise ValueError("scores must be finite numbers")
        absent = [c for c in CRITERIA if c not in {r.criterion for r in self.rubric}]
        if absent:
            raise ValueError(f"rubric lacks {', '.join(absent)}")
        return self


class LLMGrader:
    """Implements the Grader protocol with a chat model; falls back to `fallback` on any failure."""

    def __init__(
        self, chat: ChatModel, fallback: Grader, prompts_dir: Path, *, json_mode: bool = True
    ) -> None:
        self.chat = chat
        self.fallback = fallback
        self.prompts_dir = prompts_dir
        self.json_mode = json_mode  # off for servers that reject response_format
        self._prompts: dict[str, Prompt] = {}

    def grade(self, request: GradeRequest) -> Grade:
        if is_blank(request.answer):
            return self._blank(request)
        try:
            return self._grade_with_llm(request)
        except LLMError as exc:
            return self._fall_back(request, str(exc))
        except ReplyError as exc:
            return self._fall_back(request, f"invalid grade JSON after one repair: {exc}")
        except Exception as exc:  # noqa: BLE001 - a turn is never lost to a grader bug
            log.exception("LLM grading failed unexpectedly")
            return self._fall_back(request, f"{type(exc).__name__}: {exc}")

    def _grade_with_llm(self, request: GradeRequest) -> Grade:
        messages = self._prompt(GRADE_PROMPT).messages(
            question=request.question,
            key_points=format_key_points(request),
            answer=request.answer,
            language=LANGUAGE_NAMES.get(request.language, request.language),
        )
        reply = self.chat.complete(messages, json_mode=self.json_mode)
        try:
            parsed = parse_reply(reply)
        except ReplyError as exc:
            log.info("grade reply invalid (%s); one repair retry", exc)
            repair = self._prompt(REPAIR_PROMPT).render(error=str(exc))
            retry: list[Message] = [
                *messages,
                {"role": "assistant", "content": reply[:4000]},
                {"role": "user", "content": repair},
            ]
            parsed = parse_reply(self.chat.complete(retry, json_mode=self.json_mode))
        grade = build_grade(parsed, request)
        return self._guard_injection(grade, request)

    def _guard_injection(self, grade: Grade, request: GradeRequest) -> Grade:
        """Flag injections; a flagged answer can score no more than the offline grade without them."""
        found, stripped = detect_injection(request.answer)
        if not found and "injection_attempt" not in grade.flags:
            return grade
        flags = grade.flags if "injection_attempt" in grade.flags else [*grade.flags, "injection_attempt"]
        cap = self.fallback.grade(request.model_copy(update={"answer": stripped})).score
        rubric = [r.model_copy(update={"score": min(r.score, cap)}) for r in grade.rubric]
        return grade.model_copy(update={"score": min(grade.score, cap), "rubric": rubric, "flags": flags})

    def _blank(self, request: GradeRequest) -> Grade:
        """Nothing to read: the deterministic 0 / non_answer grade, without a model call."""
        grade = self.fallback.grade(request)
        flags = list(dict.fromkeys([*grade.flags, "non_answer", "empty"]))
        rubric = [r.model_copy(update={"score": 0.0}) for r in grade.rubric]
        return grade.model_copy(update={
            "score": 0.0, "rubric": rubric, "flags": flags,
            "covered": [], "missing": [p.text for p in request.key_points] or grade.missing,
            "points": [p.model_copy(update={"covered": False, "partly": False}) for p in grade.points],
        })

    def _fall_back(self, request: GradeRequest, reason: str) -> Grade:
        log.warning("LLM grading fell back to the offline grader: %s", reason)
        grade = self.fallback.grade(request)
        note = f"LLM grading unavailable ({reason}); this is the offline coverage estimate."
        if grade.note:
            note = f"{note} {grade.note}"
        return grade.model_copy(update={"grader": "offline-fallback", "note": note})

    def _prompt(self, name: str) -> Prompt:
        if name not in self._prompts:
            self._prompts[name] = load_prompt(name, self.prompts_dir)
        return self._prompts[name]


def format_key_points(request: GradeRequest) -> str:
    """Numbered key points with their citations, as the grade prompt shows them."""
    if not request.key_points:
        return "(no reference key points: grade against established knowledge of the topic)"
    lines = []
    for n, point in enumerate(request.key_points, 1):
        where = " § ".join(part for part in (point.source, point.section) if part)
        lines.append(f"[{n}] {point.text}" + (f"  (source: {where})" if where else ""))
    return "\n".join(lines)


def extract_json_object(text: str) -> object:
    """The first JSON object in `text`: inside a ```json fence if there is one, else after any prose."""
    candidates = [m.group(1) for m in FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for start in (m.start() for m in re.finditer(r"\{", candidate)):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    raise ReplyError("no JSON object found in the reply")


def parse_reply(text: str) -> _Reply:
    data = extract_json_object(text)
    try:
        return _Reply.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'reply'}: {e['msg']}" for e in exc.errors()[:5]]
        raise ReplyError("; ".join(problems)) from None


def clamp(score: float) -> float:
    return round(min(10.0, max(0.0, score)), 1)


def build_grade(reply: _Reply, request: GradeRequest) -> Grade:
    points = request.key_points
    covered_idx = {i for i in (point_index(v, request) for v in reply.covered) if i is not None}
    if not reply.covered and reply.missing:  # only "missing" given: the rest is covered
        missing_idx = {i for i in (point_index(v, request) for v in reply.missing) if i is not None}
        covered_idx = set(range(len(points))) - missing_idx
    by_criterion = {r.criterion: r for r in reply.rubric}
    rubric = [
        RubricScore(
            criterion=c, score=clamp(by_criterion[c].score), comment=(by_criterion[c].comment or "")[:500]
        )
        for c in CRITERIA
    ]
    flags = list(dict.fromkeys(f.strip().lower() for f in reply.flags if f.strip().lower() in KNOWN_FLAGS))
    return Grade(
        score=clamp(reply.score),
        rubric=rubric,
        covered=[p.text for i, p in enumerate(points) if i in covered_idx],
        missing=[p.text for i, p in enumerate(points) if i not in covered_idx],
        references=[
            GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references
        ],
        flags=flags,
        grader="llm",
        prompt_version=GRADE_PROMPT,
        points=[
            PointResult(text=p.text, source=p.source, section=p.section, covered=i in covered_idx)
            for i, p in enumerate(points)
        ],
        summary=(reply.summary or "")[:1000],
        item_id=request.item_id,
    )


def point_index(value: int | str, request: GradeRequest) -> int | None:
    """0-based index of a key point named by its number (7, "7", "[7]") or its exact text."""
    if isinstance(value, str):
        digits = re.fullmatch(r"\s*\[?\s*(\d+)\s*\]?\s*", value)
        if not digits:
            texts = [p.text.strip() for p in request.key_points]
            return texts.index(value.strip()) if value.strip() in texts else None
        value = int(digits.group(1))
    return value - 1 if 1 <= value <= len(request.key_points) else None


def detect_injection(answer: str) -> tuple[list[str], str]:
    """(injection sentences found, the answer without them); nothing found if the guards are absent."""
    try:
        from interviewer.grading import guards
    except ImportError:
        return [], answer
    found = list(guards.find_injection(answer))
    strip = getattr(guards, "strip_injection", None)
    if strip is not None:
        return found, strip(answer)
    stripped = answer
    for sentence in found:
        stripped = stripped.replace(sentence, " ")
    return found, stripped.strip()
