"""Labelled grading sets: JSONL lines of human-scored answers; load them, grade them, measure agreement.

A line is `{id?, question, answer, score (human, 0-10), kind?, reference?, rationale?}`. Metrics
(DESIGN.md): `spearman`, `pearson`, `qwk` (on rounded 0-10), `mae`, each with a seeded bootstrap 95%
interval, plus the human and predicted means per `kind`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from evals.metrics import bootstrap_ci, mae, pearson, qwk, spearman
from interviewer.grading.models import Grade
from knowledge.errors import InterviewerError, InvalidInput

KINDS = (
    "excellent", "good", "partial", "wrong-but-fluent", "padded",
    "injection", "different-question", "off-topic", "non-answer",
    "english", "about-injection", "confused-term", "keyword-list",
    "thin",
)
METRICS: dict[str, Callable[[Any, Any], float]] = {"spearman": spearman, "pearson": pearson, "qwk": qwk, "mae": mae}
N_BOOT = 1000
MAX_PROBLEMS = 8  # problems listed in one error message


class LabelledExample(BaseModel):
    id: str
    question: str
    answer: str
    score: float = Field(ge=0, le=10)
    kind: str = ""
    reference: str | None = None
    rationale: str = ""
    line: int = 0


class LabelledSet(BaseModel):
    name: str
    path: str
    examples: list[LabelledExample]


class Prediction(BaseModel):
    id: str
    kind: str = ""
    question: str
    answer: str
    human: float
    predicted: float
    flags: list[str] = Field(default_factory=list)
    grader: str = ""
    prompt_version: str = ""


class KindMeans(BaseModel):
    n: int
    human: float
    predicted: float


class SetMetrics(BaseModel):
    name: str
    path: str = ""
    n: int
    spearman: float | None = None
    pearson: float | None = None
    qwk: float | None = None
    mae: float | None = None
    ci: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)
    kinds: dict[str, KindMeans] = Field(default_factory=dict)
    predictions: list[Prediction] = Field(default_factory=list)


def read_jsonl(path: Path) -> list[Any]:
    """Every non-blank line of a JSON Lines file we write ourselves, parsed (no validation: see load_labelled)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_utf8(path: Path) -> str:
    """The file's text, or InvalidInput naming the file and what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not valid UTF-8 (byte offset {exc.start})") from None


def _problem_list(path: Path, problems: list[str]) -> InvalidInput:
    shown = "; ".join(problems[:MAX_PROBLEMS])
    more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
    return InvalidInput(f"{path}: {shown}{more}")


def _example(obj: Any, line: int, default_id: str) -> tuple[LabelledExample | None, list[str]]:
    if not isinstance(obj, dict):
        return None, [f"line {line}: expected a JSON object, got {type(obj).__name__}"]
    problems = [f"line {line}: missing field {f!r}" for f in ("question", "answer", "score") if f not in obj]
    if "question" in obj and (not isinstance(obj["question"], str) or not obj["question"].strip()):
        problems.append(f"line {line}: 'question' must be a non-empty string")
    if "answer" in obj and not isinstance(obj["answer"], str):  # a blank answer is graded (0, non_answer)
        problems.append(f"line {line}: 'answer' must be a string")
    score = obj.get("score")
    if "score" in obj and (isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 10):
        problems.append(f"line {line}: 'score' must be a number from 0 to 10, got {score!r}")
    for field in ("id", "kind", "reference", "rationale"):
        value = obj.get(field)
        allowed = (str, int) if field == "id" else (str,)
        if value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
            problems.append(f"line {line}: {field!r} must be a string")
    if problems:
        return None, problems
    return LabelledExample(
        id=str(obj.get("id") or default_id),
        question=obj["question"].strip(),
        answer=obj["answer"],
        score=float(score),  # type: ignore[arg-type]
        kind=(obj.get("kind") or "").strip(),
        reference=(obj.get("reference") or None),
        rationale=obj.get("rationale") or "",
        line=line,
    ), []


def load_labelled(path: Path, name: str | None = None) -> LabelledSet:
    """Parse a JSONL labelled set; every problem (bad JSON, missing field, bad score) is reported at once."""
    set_name = name or path.stem
    examples: list[LabelledExample] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line_no, line in enumerate(read_utf8(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {line_no}: invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        example, found = _example(obj, line_no, f"{set_name}:{line_no}")
        problems.extend(found)
        if example is None:
            continue
        if example.id in seen:
            problems.append(f"line {line_no}: duplicate id {example.id!r}")
        seen.add(example.id)
        examples.append(example)
    if problems:
        raise _problem_list(path, problems)
    if not examples:
        raise InvalidInput(f"{path}: no labelled answers in this file")
    return LabelledSet(name=set_name, path=str(path), examples=examples)


GradeFn = Callable[[LabelledExample], Grade]


def grade_set(labelled: LabelledSet, grade: GradeFn, tick: Callable[[int], None] | None = None) -> list[Prediction]:
    """Grade every answer of the set; a grader error is a bad line (exit 2), not a silent zero."""
    predictions = []
    for example in labelled.examples:
        try:
            result = grade(example)
        except InterviewerError as exc:
            raise InvalidInput(f"{labelled.path} line {example.line} ({example.id}): {exc}") from None
        predictions.append(
            Prediction(
                id=example.id, kind=example.kind, question=example.question, answer=example.answer,
                human=example.score, predicted=round(float(result.score), 2), flags=list(result.flags),
                grader=result.grader, prompt_version=result.prompt_version,
            )
        )
        if tick:
            tick(1)
    return predictions


def _finite(value: float) -> float | None:
    return round(float(value), 4) if value is not None and math.isfinite(value) else None


def measure(name: str, predictions: list[Prediction], path: str = "", n_boot: int = N_BOOT, seed: int = 0) -> SetMetrics:
    """Agreement of predicted with human scores, with bootstrap intervals and per-kind means."""
    pred = np.array([p.predicted for p in predictions], dtype=float)
    human = np.array([p.human for p in predictions], dtype=float)
    metrics: dict[str, Any] = {}
    ci: dict[str, tuple[float | None, float | None]] = {}
    for metric, fn in METRICS.items():
        metrics[metric] = _finite(fn(pred, human)) if len(predictions) else None
        lo, hi = bootstrap_ci(fn, pred, human, n_boot=n_boot, seed=seed) if len(predictions) > 1 else (math.nan,) * 2
        ci[metric] = (_finite(lo), _finite(hi))
    return SetMetrics(name=name, path=path, n=len(predictions), ci=ci, kinds=kind_means(predictions),
                      predictions=predictions, **metrics)


def kind_means(predictions: list[Prediction]) -> dict[str, KindMeans]:
    """Human and predicted mean per kind, known kinds first in a fixed order, then the others."""
    groups: dict[str, list[Prediction]] = {}
    for p in predictions:
        groups.setdefault(p.kind or "(none)", []).append(p)
    order = [k for k in KINDS if k in groups] + sorted(k for k in groups if k not in KINDS)
    return {
        kind: KindMeans(
            n=len(groups[kind]),
            human=round(float(np.mean([p.human for p in groups[kind]])), 2),
            predicted=round(float(np.mean([p.predicted for p in groups[kind]])), 2),
        )
        for kind in order
    }
