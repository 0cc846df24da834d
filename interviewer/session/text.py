"""Small text helpers of the interview: normalising, keywords of a key point, leak checks."""

from __future__ import annotations

import re

from knowledge.models import QAItem

MARKUP = re.compile(r"[*_`#>\"“”「」《》]+")  # markdown and quotes: a keyword is quoted by the template
# No bare ASCII "?": in these notes it usually stands for a character lost to bad encoding.
_CLAUSE_SPLIT = re.compile(r"[：:，,。；;（(）)\[\]【】！？!\n]|——|--| - | – | \?")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
CJK = re.compile(r"[\u3400-\u9fff]")
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9+\-./]*[A-Za-z0-9+]|[A-Za-z]")

_UNIT = re.compile(r"[\u3400-\u9fff]|[A-Za-z0-9][A-Za-z0-9_\-+./']*")

# Clauses that open a point without naming its topic: connectives and bare labels ("此外", "例如", "优点"),
# and context frames ("在大模型训练中", "对于大型语言模型来说"). The keyword is the first clause after them.
_CONNECTIVE = re.compile(
    r"(?:此外|另外|例如|比如|举例(?:来说)?|例子|总之|总的来说|总结|一句话总结|简而言之|简单来说|需要注意的是|值得注意的是"
    r"|具体来说|具体而言|一般来说|通常|首先|其次|再次|最后|然后|因此|所以|同时|然而|但是|不过|而且|并且|其中|换句话说"
    r"|也就是说|补充|概括|一句话概括|优点|缺点|优势|劣势|核心区别|区别|结论|答|[a-z]|\d+|[一二三四五六七八九十]+)",
    re.IGNORECASE,
)
_CONTEXT = re.compile(r"(?:在|对于|随着|由于|关于|从|当)[^，,。]{0,16}(?:中|里|上|下|时|来说|而言|方面|阶段|之后|之前|以来|发展)")

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
    clean = MARKUP.sub("", point).strip()
    clauses = [c.strip(" 、-–·.'‘’").rstrip("?") for c in _CLAUSE_SPLIT.split(clean)]
    named = [c for c in clauses if norm(c)]
    first = next((c for c in named if not _CONNECTIVE.fullmatch(c) and not _CONTEXT.fullmatch(c)),
                 named[0] if named else clean)
    # Length in reading units: one CJK character or one latin word each.
    units = list(_UNIT.finditer(first))
    limit = KEYWORD_CJK_UNITS if CJK.search(first) else KEYWORD_EN_WORDS
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
    cjk = "".join(CJK.findall(low))
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
