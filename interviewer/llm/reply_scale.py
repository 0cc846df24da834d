"""A grade's numbers on 0-10: "8/10", "8分" and "80%" read as numbers, and a whole reply on a 0-1, 1-5
or 0-100 scale detected and mapped (see `normalise.py`); each rescaling is recorded as a note."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from interviewer.llm.reply_keys import SCALE_KEYS, VALUE_KEYS, pick

RESCALE = {1.0: 10.0, 5.0: 2.0, 10.0: 1.0, 100.0: 0.1}  # detected scale -> factor to 0-10
SCALE_MARGIN = 1.5  # another scale must fit the coverage this much better than 0-10 to be believed

_FRACTION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:/|／|out\s+of|of)\s*(\d+(?:\.\d+)?)")
_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[%％]")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def parse_number(value: Any) -> tuple[float | None, float | None]:
    """(number, its stated maximum if any): 8 -> (8, None), "8/10" -> (8, 10), "80%" -> (80, 100)."""
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int | float):
        return (float(value), None) if math.isfinite(value) else (None, None)
    if isinstance(value, dict):
        return parse_number(pick(value, VALUE_KEYS))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if m := _FRACTION.match(text):
        top = float(m.group(2))
        return (float(m.group(1)), top) if top > 0 else (None, None)
    if m := _PERCENT.match(text):
        return float(m.group(1)), 100.0
    m = _NUMBER.search(text)
    if m is None or len(text) > 24:  # a sentence with a number in it is not a score
        return None, None
    return float(m.group()), None


def scale_factor(
    data: dict[str, Any],
    rubric: dict[str, tuple[float | None, float | None, str]],
    covered: list[int] | None,
    missing: list[int] | None,
    n_points: int,
    notes: list[str],
) -> float:
    """The factor that maps the rubric's unlabelled numbers to 0-10.

    A stated scale wins; numbers above 10 mean 0-100. Otherwise 0-1 and 1-5 look like low grades on
    0-10, so they are believed only when the completeness score fits the key points the model itself
    says were covered clearly better on that scale: a weak answer keeps its low grade.
    """
    hint, _ = parse_number(pick(data, SCALE_KEYS))
    if hint in RESCALE:
        if hint != 10.0:
            notes.append(f"scores rescaled from a stated 0-{hint:g} scale")
        return RESCALE[hint]
    values = [v for v, out_of, _ in rubric.values() if v is not None and out_of is None]
    if not values:
        return 1.0
    top, low = max(values), min(values)
    if top > 10:
        if top <= 100:
            notes.append("scores rescaled from 0-100")
            return 0.1
        return 1.0  # nonsense; clamped later
    coverage = _coverage(covered, missing, n_points)
    if coverage is None:
        return 1.0
    completeness = rubric["completeness"][0] if rubric["completeness"][1] is None else None
    if completeness is None:
        return 1.0
    candidates = []
    if top <= 1:
        candidates.append((1.0, 10.0))
    if top <= 5 and low >= 1 and all(float(v * 2).is_integer() for v in values):
        candidates.append((5.0, 2.0))
    miss_ten = abs(completeness - coverage)
    for scale, factor in candidates:
        if abs(completeness * factor - coverage) + SCALE_MARGIN < miss_ten:
            notes.append(f"scores rescaled from 0-{scale:g} (they fit the covered key points only on that scale)")
            return factor
    return 1.0


def _coverage(covered: list[int] | None, missing: list[int] | None, n_points: int) -> float | None:
    """Share of key points covered, on 0-10, by the model's own lists (None if it gave neither)."""
    if n_points == 0 or (covered is None and missing is None):
        return None
    if covered is not None:
        return 10.0 * len({i for i in covered if 0 <= i < n_points}) / n_points
    return 10.0 * (n_points - len({i for i in missing or [] if 0 <= i < n_points})) / n_points


def to_ten(value: float | None, out_of: float | None, factor: float) -> float | None:
    if value is None:
        return None
    return value * 10.0 / out_of if out_of else value * factor


def overall_to_ten(score: float, out_of: float | None, factor: float, notes: list[str]) -> float:
    if out_of:
        return score * 10.0 / out_of
    if 10 < score <= 100 and factor == 1.0:
        notes.append("overall score rescaled from 0-100")
        return score / 10
    return score * factor

