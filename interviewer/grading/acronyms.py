"""Acronyms spelled out wrongly: "GRPO 是 Generative Rejection Preference Optimization" against a reference
that says Group Relative Policy Optimization. A confident wrong expansion is a wrong-but-fluent answer in its
purest form (every term of the topic, the core made up), and no overlap measure sees it: both expansions
share the acronym and the topic's vocabulary.

An expansion counts only when its words' initials spell the acronym (so "LoRA（低秩适配）" or "RAG (see
below)" are not expansions), and two expansions conflict when they share under half their words.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_ACRONYM = r"[A-Z][A-Za-z0-9]{1,9}"
_WORDS = r"[A-Za-z][A-Za-z-]*(?:\s+[A-Za-z][A-Za-z-]*){1,7}"
_FORMS = (
    re.compile(rf"\b(?P<acr>{_ACRONYM})\s*[（(]\s*(?P<exp>{_WORDS})\s*[)）]"),  # GRPO（Group Relative …）
    re.compile(rf"(?P<exp>{_WORDS})\s*[（(]\s*(?P<acr>{_ACRONYM})\s*[)）]"),  # Group Relative … (GRPO)
    re.compile(rf"\b(?P<acr>{_ACRONYM})\s*(?:是|即|全称是?|全称为|的全称是|指|=|:|：|\bis\b|\bstands\s+for\b|\bmeans\b)"
               rf"\s*(?:the\s+|an?\s+)?(?P<exp>{_WORDS})"),  # GRPO 是 Group Relative …
)
MIN_SHARED = 0.5  # word overlap (Jaccard) from which two expansions are the same one


class Conflict(NamedTuple):
    point_index: int  # the first key point that uses the acronym (0 when only the question does)
    claim: str  # the answer's sentence with the wrong expansion
    cue: str  # "Group Relative Policy Optimization ↔ Generative Rejection Preference Optimization"


def expansions(text: str) -> dict[str, str]:
    """acronym (upper-cased) -> its expansion as written, for every expansion whose initials spell it."""
    found: dict[str, str] = {}
    for form in _FORMS:
        for m in form.finditer(text or ""):
            acronym, expansion = m.group("acr"), _trim(m.group("exp"), m.group("acr"))
            if expansion and sum(ch.isupper() for ch in acronym) >= 2:
                found.setdefault(acronym.upper(), expansion)
    return found


def _trim(expansion: str, acronym: str) -> str:
    """The longest leading run of words whose initials spell the acronym ("" when none does): "Group
    Relative Policy" spells GRPO too (Po-licy), the whole name is the expansion."""
    letters = [ch.lower() for ch in acronym if ch.isalpha()]
    words = expansion.split()
    for n in range(len(words), 1, -1):
        if _spells([w for part in words[:n] for w in part.split("-") if w], letters):
            return " ".join(words[:n])
    return ""


_GLUE = frozenset({"of", "and", "for", "the", "to", "with", "in", "on", "from", "by", "as", "at", "via"})


def _spells(words: list[str], letters: list[str]) -> bool:
    """The words' initials spell the letters in order: each word gives its initial, or its first two
    letters ("Low-Rank Adaptation" -> LoRA), and a short function word may give nothing."""

    def match(w: int, i: int) -> bool:
        if w == len(words):
            return i == len(letters)
        word = words[w].lower()
        if word in _GLUE and match(w + 1, i):
            return True
        if i < len(letters) and word[0] == letters[i]:
            if match(w + 1, i + 1):
                return True
            return i + 1 < len(letters) and len(word) > 1 and word[1] == letters[i + 1] and match(w + 1, i + 2)
        return False

    return match(0, 0)


def _same(a: str, b: str) -> bool:
    wa, wb = set(re.split(r"[\s-]+", a.lower())), set(re.split(r"[\s-]+", b.lower()))
    return len(wa & wb) / len(wa | wb) >= MIN_SHARED


def expansion_conflicts(answer: str, points: list[str], question: str = "") -> list[Conflict]:
    """One conflict per acronym the answer expands differently from the question or a key point."""
    reference: dict[str, str] = {}
    for text in [question, *points]:
        for acronym, expansion in expansions(text).items():
            reference.setdefault(acronym, expansion)
    out = []
    for acronym, given in expansions(answer).items():
        expected = reference.get(acronym)
        if expected is None or _same(given, expected):
            continue
        index = next((n for n, p in enumerate(points) if acronym.lower() in p.lower()), 0)
        claim = next((s for s in re.split(r"(?<=[。！？!?；;])", answer) if given in s), answer).strip()
        out.append(Conflict(index, claim, f"{expected} ↔ {given}"))
    return out
