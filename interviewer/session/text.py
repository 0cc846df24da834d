"""Small text helpers of the interview: normalising, keywords of a key point, leak checks."""

from __future__ import annotations

import re

from knowledge.models import QAItem

_MARKUP = re.compile(r"[*_`#>\"“”「」《》]+")  # markdown and quotes: a keyword is quoted by the template
# No bare ASCII "?": in these notes it usually stands for a character lost to bad encoding.
_CLAUSE_SPLIT = re.compile(r"[：:，,。；;（(）)\[\]【】！？!\n]|——|--| - | – | \?")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]")
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9+\-./]*[A-Za-z0-9+]|[A-Za-z]")

_UNIT = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9][A-Za-z0-9_\-+./']*")

KEYWORD_CJK_UNITS = 10  # longer first clauses are cut: a topic, not the claim
KEYWORD_EN_WORDS = 5


def norm(text: str) -> str:
    """Lower-case without punctuation or spaces: the form used for containment checks."""
    return _NON_WORD.sub("", text).lower()


def keyword(point: str) -> str:
    """The topic of a key point: its first clause, shortened; never the whole explanation.

    Notes usually open a point with a bold label ("**有监督学习**：使用成对的…"), so the first
    clause is the label. A long first clause is cut to a few words and marked with "…".
    """
    clean = _MARKUP.sub("", point).strip()
    clauses = [c.strip(" 、-–·.'‘’").rstrip("?") for c in _CLAUSE_SPLIT.split(clean)]
    first = next((c for c in clauses if norm(c)), clean)
    # Length in reading units: one CJK character or one latin word each.
    units = list(_UNIT.finditer(first))
    limit = KEYWORD_CJK_UNITS if _CJK.search(first) else KEYWORD_EN_WORDS
    if len(units) <= limit:
        return first
    return first[: units[limit - 1].end()] + "…"


def overlap(a: str, b: str) -> float:
    """Share of b's tokens (CJK bigrams + latin words) found in a; 0 when b has none."""
    ta, tb = _tokens(a), _tokens(b)
    return len(ta & tb) / len(tb) if tb else 0.0


def terms(text: str) -> set[str]:
    """Latin technical terms of 3+ characters ("RoPE", "PPO", "d_k" is too short), lower-cased."""
    return {w.lower() for w in _TERM.findall(text) if len(w) >= 3}


def _tokens(text: str) -> set[str]:
    low = text.lower()
    words = {w.lower() for w in _TERM.findall(text) if len(w) > 1}
    cjk = "".join(_CJK.findall(low))
    bigrams = {cjk[i : i + 2] for i in range(len(cjk) - 1)}
    return words | bigrams


_MIN_LEAK_CHARS = 6  # shorter fragments ("LoRA") are legitimately shared by question and answer


def leaks(text: str, item: QAItem) -> bool:
    """True if the text contains a key point or a sentence of the item's reference answer."""
    haystack = norm(text)
    needles = [kp.text for kp in item.key_points]
    for answer in [item.answer, *(ref.text for ref in item.references)]:
        needles.extend(s for s in re.split(r"[。！？!?\n]|\.\s", answer) if s.strip())
    question = norm(item.question)
    for needle in needles:
        n = norm(needle)
        if len(n) >= _MIN_LEAK_CHARS and n in haystack and n not in question:
            return True
    return False
