"""What the truth checks (truth.py, truth_structure.py) work on: a contradiction found, an (answer sentence,
key point) pair, and the clause and word helpers both sides use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from interviewer.grading.truth_cues import CLAUSE


@dataclass(frozen=True)
class Contradiction:
    """One answer sentence that states a key point's core the other way round."""

    point_index: int
    point: str
    claim: str
    kind: str  # "negation" | "antonym" | "number" | "swap" | "direction" | "order" | "expansion"
    cue: str  # short, point side first: "增加 ↔ 减少", "12层 ↔ 24层", "K/V ↔ K/Q"


@dataclass(frozen=True)
class Pair:
    """One answer sentence and one key point, normalized, with what they share."""

    claim: str
    point: str
    anchors: list[str]  # shared terms rare enough to anchor a cue, longest first
    entities: list[str]  # shared technical terms: the possible subjects of a swap
    reference: list[str]  # every key point: what the reference itself says is never wrong
    question: str
    weights: dict[str, float]  # IDF of every term of either side
    terms: tuple[frozenset[str], frozenset[str]]  # the claim's terms, the point's


@lru_cache(maxsize=4096)
def clauses(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in CLAUSE.split(text) if c.strip())


def with_previous(text: str, clause: str) -> str:
    """`clause` with the clause before it (a condition or a subject often sits there)."""
    parts = clauses(text)
    at = parts.index(clause) if clause in parts else 0
    return "，".join(parts[max(0, at - 1):at + 1])


def find_word(word: str, text: str) -> re.Match[str] | None:
    return word_pattern(word).search(text) if word in text else None


@lru_cache(maxsize=4096)
def word_pattern(word: str) -> re.Pattern[str]:
    """A Latin word alone, not inside another word or a hyphenated compound ("vocabulary" is not in
    "out-of-vocabulary"); other scripts anywhere."""
    return re.compile(rf"(?<![a-z-]){re.escape(word)}(?![a-z-])" if word.isascii() else re.escape(word))
