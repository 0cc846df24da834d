"""The LLM grader: the rubric prompt, one repair retry, normalised scores, and a fallback that never fails.

The model proposes; this module disposes. The reply is normalised (scales, aliases, wrappers, key
points by number or text) before it is validated; the overall score is checked against the rubric;
the deterministic injection detector can only lower the grade (to what the offline grader gives the
answer without the injected text); a grade far from the offline estimate is flagged
`grader_disagreement` for review. Any failure returns the offline grade, marked "offline-fallback".
One deadline covers the whole grade: the first request, a retry without JSON mode, the repair.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

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
from interviewer.llm.chat import ChatModel, EmptyReplyError, JsonSchema, Message
from interviewer.llm.injection import detect_injection
from interviewer.llm.normalise import Normalised, ReplyError, normalise_reply
from interviewer.llm.reasoning import final_answer
from interviewer.prompts import Prompt, load_prompt
from interviewer.validation import is_blank
from knowledge.errors import LLMError

log = logging.getLogger(__name__)

__all__ = ["LLMGrader", "ReplyError", "extract_json_object", "grade_schema", "parse_reply"]

GRADE_PROMPT = "grade_v2"
REPAIR_PROMPT = "repair_v1"
KNOWN_FLAGS: tuple[str, ...] = get_args(Flag)
LANGUAGE_NAMES = {"zh": "Chinese (简体中文)", "en": "English"}
FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
WEIGHTS = {"accuracy": 0.35, "completeness": 0.35, "depth": 0.15, "clarity": 0.15}  # as grade_v2 states
OVERALL_TOLERANCE = 2.0  # an overall score further than this from the rubric's is replaced by it
LOW_FLAGS = frozenset({"non_answer", "off_topic"})  # these may score below their rubric


class LLMGrader:
    """Implements the Grader protocol with a chat model; falls back to `fallback` on any failure."""

    def __init__(
        self,
        chat: ChatModel,
        fallback: Grader,
        prompts_dir: Path,
        *,
        json_mode: bool = True,
        prompt: str = GRADE_PROMPT,
        timeout: float | None = None,
        disagreement: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chat = chat
        self.fallback = fallback
        self.prompts_dir = prompts_dir
        self.json_mode = json_mode
        self.prompt_name = prompt
        self.timeout = timeout  # one deadline for the whole grade; None: each call's own
        self.disagreement = disagreement  # 0: never compare with the offline grade
        self._clock = clock
        self._prompts: dict[str, Prompt] = {}

    def grade(self, request: GradeRequest) -> Grade:
        if is_blank(request.answer):
            return self._blank(request)
        try:
            grade = self._grade_with_llm(request)
        except LLMError as exc:
            return self._fall_back(request, str(exc))
        except ReplyError as exc:
            return self._fall_back(request, f"invalid grade JSON after one repair: {exc}")
        except Exception as exc:  # noqa: BLE001 - a turn is never lost to a grader bug
            log.exception("LLM grading failed unexpectedly")
            return self._fall_back(request, f"{type(exc).__name__}: {exc}")
        return self._check_with_offline(grade, request)

    # ---- asking ---------------------------------------------------------------------------------

    def _grade_with_llm(self, request: GradeRequest) -> Grade:
        deadline = self._clock() + self.timeout if self.timeout else None
        messages = self._prompt(self.prompt_name).messages(
            question=request.question,
            key_points=format_key_points(request, with_sources=self.prompt_name == "grade_v1"),
            answer=request.answer,
            language=LANGUAGE_NAMES.get(request.language, request.language),
        )
        texts = [p.text for p in request.key_points]
        notes: list[str] = []
        reply = self._ask(messages, deadline, notes)
        try:
            parsed = parse_reply(reply, texts)
        except ReplyError as exc:
            log.info("grade reply invalid (%s); one repair retry", exc)
            repair = self._prompt(REPAIR_PROMPT).render(error=str(exc))
            retry: list[Message] = [
                *messages,
                {"role": "assistant", "content": reply[:4000]},
                {"role": "user", "content": repair},
            ]
            parsed = parse_reply(self._ask(retry, deadline, notes), texts)
        return build_grade(parsed, request, self.prompt_name, notes)

    def _ask(self, messages: list[Message], deadline: float | None, notes: list[str]) -> str:
        """The reply text; an empty one in JSON mode (a known failure of several servers) gets one
        more try without it, within the same deadline."""
        schema = grade_schema(evidence=self.prompt_name != "grade_v1")
        try:
            return self.chat.complete(messages, json_mode=self.json_mode, schema=schema, deadline=deadline)
        except EmptyReplyError as exc:
            if not self.json_mode:
                raise
            log.info("empty reply in JSON mode (%s); once more without it", exc)
            notes.append(f"retried without JSON mode after: {exc}")
            return self.chat.complete(messages, json_mode=False, deadline=deadline)

    # ---- checks with the offline grader ------------------------------------------------------------

    def _check_with_offline(self, grade: Grade, request: GradeRequest) -> Grade:
        """Cap a flagged injection at the offline grade of the stripped answer; flag a large
        disagreement with the offline grade for review (the LLM's score stands)."""
        found, stripped = detect_injection(request.answer)
        flagged = bool(found) or "injection_attempt" in grade.flags
        if not flagged and not self.disagreement:
            return grade
        try:
            offline = self.fallback.grade(request.model_copy(update={"answer": stripped}) if flagged else request)
        except Exception:  # noqa: BLE001 - the check is extra; never lose the LLM grade to it
            log.exception("offline check of an LLM grade failed")
            return grade
        update: dict[str, Any] = {}
        flags = list(grade.flags)
        if flagged:
            flags = list(dict.fromkeys([*flags, "injection_attempt"]))
            cap = offline.score
            update["rubric"] = [r.model_copy(update={"score": min(r.score, cap)}) for r in grade.rubric]
            update["score"] = min(grade.score, cap)
        score = update.get("score", grade.score)
        if self.disagreement and abs(score - offline.score) >= self.disagreement:
            flags.append("grader_disagreement")
            extra = f"The offline coverage estimate is {offline.score:.1f}; this grade is flagged for review."
            update["note"] = f"{grade.note} {extra}".strip()
        update["flags"] = flags
        return grade.model_copy(update=update)

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


def format_key_points(request: GradeRequest, *, with_sources: bool = True) -> str:
    """Numbered key points as the grade prompt shows them (grade_v1 adds each one's citation)."""
    if not request.key_points:
        return "(no reference key points: grade against established knowledge of the topic)"
    lines = []
    for n, point in enumerate(request.key_points, 1):
        where = " § ".join(part for part in (point.source, point.section) if part) if with_sources else ""
        lines.append(f"[{n}] {point.text}" + (f"  (source: {where})" if where else ""))
    return "\n".join(lines)


def grade_schema(*, evidence: bool = True) -> JsonSchema:
    """The grade as a strict JSON schema (json_schema mode and tool calling): all keys required."""
    number = {"type": "number"}
    criterion = {
        "type": "object",
        "properties": {"criterion": {"type": "string", "enum": list(CRITERIA)}, "score": number,
                       "comment": {"type": "string"}},
        "required": ["criterion", "score", "comment"],
        "additionalProperties": False,
    }
    properties: dict[str, Any] = {}
    if evidence:
        properties["evidence"] = {"type": "array", "items": {
            "type": "object",
            "properties": {"point": {"type": "integer"}, "quote": {"type": "string"},
                           "verdict": {"type": "string", "enum": ["covered", "partly", "missing"]}},
            "required": ["point", "quote", "verdict"],
            "additionalProperties": False,
        }}
    properties |= {
        "rubric": {"type": "array", "items": criterion},
        "score": number,
        "covered": {"type": "array", "items": {"type": "integer"}},
        "missing": {"type": "array", "items": {"type": "integer"}},
        "flags": {"type": "array", "items": {"type": "string", "enum": ["injection_attempt", "non_answer",
                                                                         "off_topic"]}},
        "summary": {"type": "string"},
    }
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


def extract_json_object(text: str) -> dict[str, Any]:
    """The grade object in the reply's final answer (never a draft inside reasoning): inside a ```json
    fence if there is one, else after any prose; the first object that looks like a grade wins."""
    answer = final_answer(text)
    candidates = [m.group(1) for m in FENCE.finditer(answer)] + [answer]
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for candidate in candidates:
        for start in (m.start() for m in re.finditer(r"\{", candidate)):
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                found.append(value)
    if not found:
        if not answer.strip() and text.strip():
            raise ReplyError("the reply held only reasoning; put the JSON object after it")
        raise ReplyError("no JSON object found in the reply")
    gradelike = [v for v in found if re.search(r"rubric|score|criteri|评分|得分", json.dumps(v, ensure_ascii=False))]
    return (gradelike or found)[0]


def parse_reply(text: str, points: list[str] | None = None) -> Normalised:
    return normalise_reply(extract_json_object(text), points or [])


def clamp(score: float) -> float:
    return round(min(10.0, max(0.0, score)), 1)


def rubric_overall(rubric: dict[str, float]) -> float:
    return sum(WEIGHTS[c] * rubric[c] for c in CRITERIA)


def build_grade(reply: Normalised, request: GradeRequest, prompt_version: str, notes: list[str]) -> Grade:
    points = request.key_points
    covered_idx = set(reply.covered or ())
    if not reply.covered and reply.missing:  # only "missing" given: the rest is covered
        covered_idx = set(range(len(points))) - reply.missing
    rubric_scores = {c: clamp(reply.rubric[c][0]) for c in CRITERIA}
    flags = list(dict.fromkeys(f for f in reply.flags if f in KNOWN_FLAGS))
    notes = [*notes, *reply.notes]
    expected = rubric_overall(rubric_scores)
    if reply.score is None:
        score = expected
        notes.append("overall score computed from the rubric")
    else:
        score = clamp(reply.score)
        too_low_allowed = bool(LOW_FLAGS & set(flags)) and score < expected
        if abs(score - expected) > OVERALL_TOLERANCE and not too_low_allowed:
            notes.append(f"overall {score:.1f} replaced by the rubric's {expected:.1f}")
            score = expected
    partly = {i for i, (_, verdict) in reply.evidence.items() if verdict == "partly"}
    return Grade(
        score=clamp(score),
        rubric=[RubricScore(criterion=c, score=rubric_scores[c], comment=reply.rubric[c][1][:500]) for c in CRITERIA],
        covered=[p.text for i, p in enumerate(points) if i in covered_idx],
        missing=[p.text for i, p in enumerate(points) if i not in covered_idx],
        references=[
            GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references
        ],
        flags=flags,
        grader="llm",
        prompt_version=prompt_version,
        points=[
            PointResult(
                text=p.text, source=p.source, section=p.section, covered=i in covered_idx,
                partly=i in partly and i not in covered_idx, evidence=reply.evidence.get(i, ("", ""))[0][:200],
            )
            for i, p in enumerate(points)
        ],
        summary=reply.summary[:1000],
        note=("Normalised: " + "; ".join(dict.fromkeys(notes)) + ".") if notes else "",
        item_id=request.item_id,
    )
