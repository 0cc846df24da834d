"""Lexical evidence for the offline grader: weighted term overlap, formulas, and true/false verdicts.

All pure functions of text; the data is jieba's bundled IDF table and, for English words (which jieba's table
lacks), their general frequency (data/english_frequency.tsv.gz); both are read once per process.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from functools import lru_cache
from math import fsum
from pathlib import Path
from typing import Any

import jieba

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

# Spellings that mean the same thing in this domain's notes.
SYNONYMS: tuple[tuple[str, str], ...] = (("结点", "节点"), ("链式存储", "链表"), ("顺序存储", "顺序表"))
QUESTION_TERM_WEIGHT = 0.3  # a term the question already contains is weak evidence of knowing the answer
UNKNOWN_IDF = 12.0  # jieba's IDF table lacks most technical terms: treat them as rare
# English words: jieba's table has none, so their weight comes from their family's Zipf frequency in general
# English (scripts/build_english_frequency.py), mapped linearly onto jieba's scale through two anchor pairs,
# "the" (Zipf 7.73) ~ 的 (IDF 0.88) and "pointer" (3.86 with "pointers") ~ 指针 (9.27), and capped at
# UNKNOWN_IDF: "time" 3.8, "elements" 7.0, "insertion" 8.2, "embedding" 9.1, "softmax" 12. Chosen by those two
# pairs, not tuned on any score.
ENGLISH_FREQUENCY = Path(__file__).with_name("data") / "english_frequency.tsv.gz"
MIN_ZIPF = 2.0  # rarer families would be capped at UNKNOWN_IDF anyway (the table keeps the rest)
_ZIPF_TO_IDF = (17.64, 2.168)  # idf = a - b * zipf, through the two anchor pairs above
_LATIN_TERM = re.compile(r"[a-z]+")
_WORD = re.compile(r"[0-9a-z\u4e00-\u9fff]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TERM = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}")  # lone digits and letters are left to the formulas
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def normalize(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "").lower().replace("−", "-").replace("×", "*")
    for variant, canonical in SYNONYMS:
        t = t.replace(variant, canonical)
    return t


def is_term(token: str) -> bool:
    """A word worth matching: some CJK, or a Latin word of two letters or more."""
    return bool(_TERM.search(token))


def _script_counts(text: str) -> tuple[int, float]:
    return len(_CJK.findall(text or "")), 1.5 * len(_LATIN_WORD.findall(text or ""))  # a word ~ 1.5 characters


def cjk_share(text: str) -> float:
    """How Chinese a text is: 1.0 for Chinese, 0.0 for English; "S1", "O(n)" or "d_k" barely move it."""
    cjk, latin = _script_counts(text)
    return cjk / (cjk + latin) if cjk + latin else 0.0


def script_agreement(answer: str, reference: str) -> float:
    """1.0 when answer and reference are in the same script, falling to 0.0 across Chinese/English.

    An answer with hardly any words ("2^(n-1)", "O(1)") agrees with every reference.
    """
    if sum(_script_counts(answer)) < 4:
        return 1.0
    gap = abs(cjk_share(answer) - cjk_share(reference))
    return float(min(1.0, max(0.0, 1.0 - (gap - 0.2) / 0.4)))


class Lexicon:
    """Tokenizer + IDF weights; build one per grader (the table is ~270k lines, loaded lazily)."""

    def __init__(self, idf: dict[str, float] | None = None) -> None:
        self._idf = idf
        self._tokens: dict[str, frozenset[str]] = {}
        self._terms: dict[str, frozenset[str]] = {}

    @property
    def idf(self) -> dict[str, float]:
        if self._idf is None:
            self._idf = _load_jieba_idf()
        return self._idf

    def tokens(self, text: str) -> frozenset[str]:
        """The words of the text as written (lower-cased): what the truth checks anchor on in the text."""
        if text not in self._tokens:
            if len(self._tokens) > 4096:  # instance cache, bounded
                self._tokens.clear()
            words = jieba.lcut(normalize(text))
            self._tokens[text] = frozenset(w for w in words if _WORD.search(w))
        return self._tokens[text]

    def terms(self, text: str) -> frozenset[str]:
        """`tokens` with English function words dropped and English words reduced to their stems
        ("inserting", "insertion" -> "insert"): what coverage and precision match on (an English term's
        weight is its family's, `english_weight`). Chinese words and short Latin ones (acronyms) are
        unchanged."""
        found = self._terms.get(text)
        if found is None:
            if len(self._terms) > 4096:
                self._terms.clear()
            found = self._terms[text] = frozenset(stem(t) for t in self.tokens(text) if t not in ENGLISH_STOP)
        return found

    def weight(self, term: str) -> float:
        if _LATIN_TERM.fullmatch(term):
            return english_weight(term)
        return self.idf.get(term, UNKNOWN_IDF)

    def recall(self, point: str, answer: str, question: str = "") -> float:
        """IDF-weighted share of the point's terms that the answer uses (question terms count less)."""
        asked = self.terms(question)
        weights = {t: self.weight(t) * (QUESTION_TERM_WEIGHT if t in asked else 1.0) for t in self.terms(point) if is_term(t)}
        total = fsum(weights.values())
        if total <= 0:
            return 0.0
        used = self.terms(answer)
        return fsum(w for t, w in weights.items() if t in used) / total

    def precision(self, answer: str, reference: str, question: str = "") -> tuple[float, float]:
        """(IDF share of the answer's terms, besides the question's, that the reference also uses;
        IDF share of the answer's terms that only repeat the question). Padding and answers to other
        questions have a low first share; restating the question, a high second one."""
        asked = self.terms(question)
        ref = self.terms(reference)
        weights = {t: self.weight(t) for t in self.terms(answer) if is_term(t)}
        total = fsum(weights.values())
        if total <= 0:
            return 0.0, 0.0
        echo = fsum(w for t, w in weights.items() if t in asked)
        own = total - echo
        shared = fsum(w for t, w in weights.items() if t in ref and t not in asked)
        return (shared / own if own > 0 else 0.0), echo / total


_ENGLISH_STOP = (
    "a an the of to in on at by for with from into onto over under about as than then and or but nor not no "
    "is are was were be been being am do does did done has have had having it its this that these those there "
    "here which who whom whose what when where why how while if so such can could will would should may might "
    "must shall also only just very more most less least each every any all some both either neither other "
    "they them their we our you your he she his her i me my one ones because through using use used")
ENGLISH_STOP = frozenset(_ENGLISH_STOP.split())
_STEMMED = re.compile(r"[a-z]{4,}")  # English words worth stemming (acronyms and short words stay whole)


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of an English word of four letters or more; anything else unchanged."""
    return str(_english_stemmer().stemWord(word)) if _STEMMED.fullmatch(word) else word


def english_weight(word: str) -> float:
    """An English word's (or stem's) IDF-like weight from its family's general frequency; UNKNOWN_IDF if rare."""
    table = _english_zipf()
    zipf = table.get(word)
    if zipf is None:
        zipf = table.get(stem(word), 0.0)
    a, b = _ZIPF_TO_IDF
    return min(UNKNOWN_IDF, max(1.0, a - b * zipf)) if zipf > 0 else UNKNOWN_IDF


@lru_cache(maxsize=1)
def _english_zipf() -> dict[str, float]:
    table: dict[str, float] = {}
    with gzip.open(ENGLISH_FREQUENCY, "rt", encoding="utf-8") as fh:
        for line in fh:
            family, zipf = line.rstrip("\n").split("\t")
            table[family] = float(zipf)
    return table


_SURFACE = re.compile(r"[\u4e00-\u9fff]|[0-9a-z]+")


def surface_units(text: str) -> frozenset[tuple[str, ...]]:
    """Characters (Chinese), words and numbers (Latin), and every adjacent pair of them."""
    tokens = _SURFACE.findall(normalize(text))
    return frozenset([*((t,) for t in tokens), *zip(tokens, tokens[1:], strict=False)])


def surface_overlap(answer: str, reference: str) -> tuple[float, float]:
    """(recall, precision) of the reference's surface units in the answer: the character n-gram overlap of
    short-answer grading (no tokenizer, no weights), which still rewards an answer for saying what the
    reference says in its words where jieba splits a phrase differently in the two texts."""
    ref, ans = surface_units(reference), surface_units(answer)
    if not ref or not ans:
        return 0.0, 0.0
    shared = len(ref & ans)
    return shared / len(ref), shared / len(ans)


def _load_jieba_idf() -> dict[str, float]:
    path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 2:
                table[parts[0]] = float(parts[1])
    return table


# ---- formulas: "2^(n-1)", "O(n)", "(2n+1)/3" -------------------------------------------------------

_POW_ZH = re.compile(r"([0-9a-z]+)的[(]?([0-9a-z+\-/]+)[)]?次方")
_POW_FN = re.compile(r"pow\(([^,()]+),([^()]+)\)")
_LIST_MARKER = re.compile(r"(?:^|(?<=[\s。；;：:，,\u4e00-\u9fff]))(?:\(\d{1,2}\)|\d{1,2}[、)]|\d{1,2}\.(?!\d))|[①-⑳]")
_EXPR = re.compile(r"[0-9a-z+\-*/^().<>=]+")
_BIG_O = re.compile(r"o\([0-9a-z+\-*/^ ]+\)")


def normalize_math(text: str) -> str:
    t = _LIST_MARKER.sub(" ", normalize(text))
    t = re.sub(r"\s*([+\-*/^()=<>])\s*", r"\1", t)
    t = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", t)
    t = _POW_FN.sub(r"\1^(\2)", t)
    t = _POW_ZH.sub(r"\1^(\2)", t)
    return t.replace("*", "")


def _trim(expr: str) -> str:
    expr = expr.strip("=<>,")
    while expr.endswith(")") and expr.count(")") > expr.count("("):
        expr = expr[:-1]
    while expr.startswith("(") and expr.count("(") > expr.count(")"):
        expr = expr[1:]
    if expr.startswith("(") and expr.endswith(")") and expr.count("(") == 1:
        expr = expr[1:-1]
    return expr


def _hyphenated_word(expr: str) -> bool:
    """"one-hot", "y-hat", "gpt-4", "4-bit", "top-k": words joined by hyphens, one of them a real word (3+
    letters), are names, not subtractions ("n-1", "i-j" stay formulas). Counted as formulas, such names
    made a plainly worded answer "state a formula the reference does not have" (292 of the training answers
    name one)."""
    parts = expr.split("-")
    return (len(parts) > 1 and all(re.fullmatch(r"[a-z0-9.]+", p) for p in parts)
            and any(p.isalpha() and len(p) >= 3 for p in parts))


def expressions(text: str) -> list[str]:
    """Formula-like spans (with a digit or an operator, or a big-O), normalized, in order, unique."""
    out: list[str] = []
    norm = normalize_math(text)
    for raw in [*_BIG_O.findall(norm), *_EXPR.findall(norm)]:
        expr = _trim(raw)
        if len(expr) < 2 or expr in out:
            continue
        if not (re.search(r"[0-9+\-/^]", expr) or _BIG_O.fullmatch(expr)):
            continue
        if re.fullmatch(r"[a-z]+\d?", expr) or _hyphenated_word(expr):  # words, "a1", "one-hot", "gpt-4"
            continue
        out.append(expr)
    return out


def formula_evidence(reference: str, answer: str, question: str = "") -> tuple[float, float, bool]:
    """(recall, conflict, applicable) of the reference's formulas in the answer.

    recall: length-weighted share of the reference's formulas (not already in the question) the answer
    states; conflict: 1.0 when the answer states formulas and none of them occurs in the reference.
    """
    asked = set(expressions(question))
    ref = [e for e in expressions(reference) if e not in asked]
    if not ref:
        return 0.0, 0.0, False
    ans_norm = normalize_math(answer)
    ref_norm = normalize_math(reference)
    recall = sum(len(e) for e in ref if e in ans_norm) / sum(len(e) for e in ref)
    stated = [e for e in expressions(answer) if e not in asked]
    conflict = 1.0 if stated and not any(e in ref_norm for e in stated) else 0.0
    return recall, conflict, True


# ---- true/false questions ---------------------------------------------------------------------------

_JUDGEMENT_Q = re.compile(r"是否正确|判断.{0,12}(?:正确|对错|真假)|对不对|是否成立|true\s+or\s+false|is\s+it\s+true", re.I)
# Checked in order: the negative forms first ("不正确" contains "正确").
_VERDICTS: tuple[tuple[str, bool], ...] = (
    (r"不正确|不对|错误|错的|^错|^否|不成立|\bfalse\b|\bincorrect\b|\bwrong\b", False),
    (r"正确|^对|是对的|成立|\btrue\b|\bcorrect\b", True),
)


def is_judgement(question: str) -> bool:
    return bool(_JUDGEMENT_Q.search(question or ""))


def verdict(text: str, head: int = 12) -> bool | None:
    """The true/false verdict an answer opens with, if any (looked for in its first `head` characters)."""
    start = re.sub(r"^[\s\W_]*(?:答[:：]?|解[:：]?|answer[:：]?)?\s*", "", normalize(text))
    start = re.sub(r"^(?:该|这个|这种|此|题目的?|这句)?(?:叙述|说法|命题|描述|答案)?(?:是|为)?", "", start)[:head]
    for pattern, value in _VERDICTS:
        if re.search(pattern, start):
            return value
    return None


def verdict_match(question: str, reference: str, answer: str) -> bool | None:
    """For a true/false question: whether the answer's verdict is the reference's (None: not a true/false
    question, or either text states no verdict)."""
    if not is_judgement(question):
        return None
    expected = verdict(reference)
    given = verdict(answer)
    return None if expected is None or given is None else expected == given


def verdict_conflict(question: str, reference: str, answer: str) -> bool:
    """True when a true/false question's answer gives the opposite verdict to the reference."""
    return verdict_match(question, reference, answer) is False
