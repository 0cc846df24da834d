"""Tolerant normalisation of a model's grade object, before it is validated.

Models drift from the schema in predictable ways: a `{"grade": {…}}` wrapper, `overall_score` for
`score`, the rubric as a mapping or with Chinese criterion names, `"8/10"` or `"8分"` for 8, a whole
reply on a 0-1, 1-5 or 0-100 scale, key points named by 0-based index or restated as text. Each of
these is mapped to the grade schema here, and each adjustment is recorded as a note. What cannot be
mapped raises `ReplyError` with a message that names the real problem, for the one repair retry.
The field names are in `reply_keys.py`, numbers and scales in `reply_scale.py`, key points in
`reply_points.py`.
"""


from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from interviewer.grading.models import CRITERIA
from interviewer.llm.reply_keys import (
    COMMENT_KEYS,
    COVERED_KEYS,
    CRITERION_KEYS,
    EVIDENCE_KEYS,
    FLAG_KEYS,
    MISSING_KEYS,
    RUBRIC_KEYS,
    SCORE_KEYS,
    SUMMARY_KEYS,
    VALUE_KEYS,
    WRAPPERS,
    as_text,
    criterion_name,
    field_key,
    pick,
)
from interviewer.llm.reply_points import evidence_by_point, index_base, point_indices, resolve_indices
from interviewer.llm.reply_scale import overall_to_ten, parse_number, scale_factor, to_ten


class ReplyError(ValueError):
    """The model's reply is not a grade object; the message says what to fix (no input echo)."""


@dataclass
class Normalised:
    """The reply mapped to the grade schema: scores on 0-10, key points as 0-based indices."""

    score: float | None
    rubric: dict[str, tuple[float, str]]
    covered: set[int] | None
    missing: set[int] | None
    flags: list[str] = field(default_factory=list)
    summary: str = ""
    evidence: dict[int, tuple[str, str]] = field(default_factory=dict)  # point -> (quote, verdict)
    notes: list[str] = field(default_factory=list)


def normalise_reply(data: dict[str, Any], points: list[str]) -> Normalised:
    """Map a parsed reply object onto the grade schema; `points` are the key points' texts, in order."""
    notes: list[str] = []
    data = _unwrap(data, notes)
    raw_score = pick(data, SCORE_KEYS)
    score, score_out_of = (None, None)
    if raw_score is not None:
        score, score_out_of = parse_number(raw_score)
        if score is None:
            raise ReplyError(f"score: {str(raw_score)[:40]!r} is not a finite number from 0 to 10")
    rubric_raw = _rubric_entries(data)
    if rubric_raw is None:
        raise ReplyError("rubric is missing: give a score for each of accuracy, completeness, depth, clarity")
    rubric_values: dict[str, tuple[float | None, float | None, str]] = {}
    unknown = []
    for name, value, comment in rubric_raw:
        criterion = criterion_name(name)
        if criterion is None:
            unknown.append(name)
            continue
        number, out_of = parse_number(value)
        if number is None:
            raise ReplyError(f"rubric {criterion}: {str(value)[:40]!r} is not a number from 0 to 10")
        rubric_values[criterion] = (number, out_of, comment)
    absent = [c for c in CRITERIA if c not in rubric_values]
    if absent:
        extra = f"; not recognised: {', '.join(repr(u)[:30] for u in unknown[:4])}" if unknown else ""
        raise ReplyError(f"rubric lacks {', '.join(absent)} (use exactly accuracy, completeness, depth, clarity{extra})")
    covered = point_indices(pick(data, COVERED_KEYS), points, notes, "covered")
    missing = point_indices(pick(data, MISSING_KEYS), points, notes, "missing")
    evidence = evidence_by_point(pick(data, EVIDENCE_KEYS))
    shift = index_base([*(covered or []), *(missing or []), *evidence], len(points), notes)
    covered = None if covered is None else [i - shift for i in covered]
    missing = None if missing is None else [i - shift for i in missing]
    evidence = {i - shift: e for i, e in evidence.items() if 0 <= i - shift < len(points)}
    if covered is None and missing is None and evidence:
        covered = [i for i, (_, verdict) in evidence.items() if verdict == "covered"]
    factor = scale_factor(data, rubric_values, covered, missing, len(points), notes)
    rubric = {c: (to_ten(v, out_of, factor), comment) for c, (v, out_of, comment) in rubric_values.items()}
    if score is not None:
        score = overall_to_ten(score, score_out_of, factor, notes)
    return Normalised(
        score=score,
        rubric={c: (v, comment) for c, (v, comment) in rubric.items() if v is not None},
        covered=resolve_indices(covered, len(points)),
        missing=resolve_indices(missing, len(points)),
        flags=_flags(pick(data, FLAG_KEYS)),
        summary=as_text(pick(data, SUMMARY_KEYS)),
        evidence=evidence,
        notes=notes,
    )


# ---- shape ------------------------------------------------------------------------------------------


def _unwrap(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`{"grade": {…}}` and the like: descend while the object has no score or rubric of its own."""
    for _ in range(3):
        if pick(data, RUBRIC_KEYS) is not None or _criteria_at_top(data):
            return data
        inner = [v for k, v in data.items() if field_key(k) in WRAPPERS and isinstance(v, dict)]
        if len(inner) != 1:
            nested = [v for v in data.values() if isinstance(v, dict)]
            if len(data) == 1 and len(nested) == 1:
                inner = nested
            else:
                return data
        notes.append("unwrapped a wrapper object")
        data = inner[0]
    return data


def _criteria_at_top(data: dict[str, Any]) -> list[tuple[str, Any, str]]:
    found = [(str(k), v, "") for k, v in data.items() if criterion_name(str(k)) is not None]
    return found if len(found) >= 2 else []


def _rubric_entries(data: dict[str, Any]) -> list[tuple[str, Any, str]] | None:
    """(name, value, comment) per criterion, from a list of objects, a mapping, or top-level keys."""
    rubric = pick(data, RUBRIC_KEYS)
    if rubric is None:
        return _criteria_at_top(data) or None
    entries: list[tuple[str, Any, str]] = []
    if isinstance(rubric, dict):
        for name, value in rubric.items():
            if isinstance(value, dict):
                entries.append((str(name), pick(value, VALUE_KEYS), as_text(pick(value, COMMENT_KEYS))))
            else:
                entries.append((str(name), value, ""))
        return entries
    if isinstance(rubric, list):
        for row in rubric:
            if isinstance(row, dict):
                name = pick(row, CRITERION_KEYS)
                if name is None and len(row) <= 2:  # [{"accuracy": 8, "comment": "…"}]
                    named = [(k, v) for k, v in row.items() if criterion_name(str(k))]
                    if named:
                        name, value = named[0]
                        entries.append((str(name), value, as_text(pick(row, COMMENT_KEYS))))
                        continue
                entries.append((str(name), pick(row, VALUE_KEYS), as_text(pick(row, COMMENT_KEYS))))
            elif isinstance(row, list | tuple) and len(row) >= 2:
                entries.append((str(row[0]), row[1], as_text(row[2]) if len(row) > 2 else ""))
        return entries
    raise ReplyError("rubric must be a list of {criterion, score, comment} objects")



def _flags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,;，、\s]+", value)
    elif isinstance(value, dict):
        value = [k for k, v in value.items() if v]
    if not isinstance(value, list):
        return []
    return [str(v).strip().lower() for v in value if str(v).strip()]

