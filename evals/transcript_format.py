"""Canned transcripts, the format: its schema and loading it from JSON or YAML (replaying: `transcripts.py`).

A transcript is `{id, questions: [{question, turns: [{candidate, expect}]}]}`. Each question is asked
verbatim: looked up in the bank by its text, or, when it is not a bank question, asked as given and
graded against the reference found by search (or the question's own `reference`). Each key of `expect`
is one expectation on that turn: `score: [min, max]` (inclusive, on the turn's grade), `action` (what
the interviewer did after the turn; a list means any of them) and `flags` (all among the grade's flags).
Extensions: `language`, `description`, and a transcript-level `report: {score: [min, max]}`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evals.labelled import read_utf8
from knowledge.errors import InvalidInput

ActionName = Literal["follow_up", "next", "end", "repeat", "hint", "clarify"]


def _score_range(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError("score must be [min, max]")
    lo, hi = (float(v) for v in value)
    if not 0 <= lo <= hi <= 10:
        raise ValueError(f"score range [{lo}, {hi}] must satisfy 0 <= min <= max <= 10")
    return lo, hi


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: tuple[float, float] | None = None
    action: ActionName | list[ActionName] | None = None
    flags: list[str] | None = None

    _range = field_validator("score", mode="before")(_score_range)

    def checked_keys(self) -> list[str]:
        return [k for k in ("score", "action", "flags") if getattr(self, k) is not None]


class CandidateTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    candidate: str = Field(min_length=1)
    expect: Expect = Field(default_factory=Expect)


class TranscriptQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    reference: str | None = None  # for a question that is not in the bank
    turns: list[CandidateTurn] = Field(min_length=1)


class ReportExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: tuple[float, float] | None = None

    _range = field_validator("score", mode="before")(_score_range)


class Transcript(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    description: str = ""
    language: Literal["zh", "en"] | None = None
    questions: list[TranscriptQuestion] = Field(min_length=1, max_length=20)
    report: ReportExpect | None = None
    path: str = ""


# ---- loading ----------------------------------------------------------------------------------------


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:6]:
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def load_transcripts(path: Path) -> list[Transcript]:
    """One transcript (an object) or several (a list) from a .json, .yaml or .yml file."""
    text = read_utf8(path)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"{path}: invalid YAML{where} ({getattr(exc, 'problem', None) or exc})") from None
    docs = data if isinstance(data, list) else [data]
    transcripts = []
    for n, doc in enumerate(docs):
        where = f"{path}" if len(docs) == 1 else f"{path} (transcript {n + 1})"
        if not isinstance(doc, dict):
            raise InvalidInput(f"{where}: expected a transcript object, got {type(doc).__name__}")
        try:
            transcripts.append(Transcript.model_validate({**doc, "path": str(path)}))
        except ValidationError as exc:
            raise InvalidInput(f"{where}: {_validation_message(exc)}") from None
    if not transcripts:
        raise InvalidInput(f"{path}: no transcripts in this file")
    return transcripts


def turn_count(transcripts: list[Transcript]) -> int:
    return sum(len(q.turns) for t in transcripts for q in t.questions)
