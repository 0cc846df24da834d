"""What the offline grader measures about an answer (`Evidence`) and the feature vector its learned map reads.

The evidence is computed by `OfflineGrader.evidence`; `feature_vector` turns it into the fixed, named
features that `scorer.Scorer` maps to a 0-10 score. Whether the answer held an injection is deliberately
not a feature: the injection is cut out before grading, and no text addressed to the grader may move the
score (as a feature, injected training answers, often wrapped around good content, taught "+1"). The
names are stored in the model file, so a model trained on another feature set is refused at load time
instead of silently mis-scoring.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from interviewer.grading.truth import Contradiction

# Function words: prose that explains has them, a bare list of keywords does not.
_GLUE = (
    "的 是 在 了 和 与 及 把 被 会 能 可以 通过 因为 所以 而 就 也 都 让 使 对 将 用 这 那 它 其 从 到 为 为了 如果 "
    "则 但 但是 而且 并 并且 或 或者 以 来 去 要 需要 不 没有 就是 即 更 很 比 当 时 中 上 下 后 前 由于 因此 这样 "
    "一个 这个 每个 所有 它们 我们 可能 还 再 又 只 才 着 过 得 地 之 于 等 如 例如 比如 也就是 "
    "the a an is are was were be been of to and or in on at by for with from that this these those it its "
    "which because so as than then when while if but not can could will would should into over each their they "
    "we you through about more less only also such"
)
GLUE_WORDS = frozenset(_GLUE.split())
_SEGMENT_BREAK = re.compile(r"[，,、；;。.！!？?\n|/]+")
# A bare term list: almost no function words, at least three pieces between separators, each of a few words,
# in a short answer (a long one with numbered items is an explanation). Pieces are measured in words (jieba
# tokens), not characters: with "≤ 8 characters a piece" no English list was ever one ("knowledge neurons" is
# 17). Chosen on dev and its translations (2026-11-30): of the 30 keyword-list answers the character rule
# caught 13, and it capped 3 good answers, a partial, 3 thin ones and an injection; the word rule catches 29
# and caps one good answer (two dense sentences, 3.0 words a piece, which the character rule capped too) and
# one thin one.
TERM_LIST_GLUE = 0.12
TERM_LIST_PIECES = 3
TERM_LIST_PIECE_WORDS = 3.0
TERM_LIST_WORDS = 60
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")

FEATURES: tuple[str, ...] = (
    "coverage", "coverage_root", "top_strength", "covered_share", "partly_share",
    "lexical_mean", "embedded_mean", "embedded_max", "embedded_strength", "script_agreement",
    "on_topic_share", "item_rank_log", "item_margin", "has_item",
    "precision", "question_echo", "log_chars", "length_ratio", "glue_share", "segment_chars_log",
    "formula_conflict", "formula_recall", "verdict_conflict", "hedge", "best_reference_coverage",
    "contradicted_share", "any_contradiction", "surface_recall", "surface_precision", "surface_f1",
    "true_false_question", "verdict_agrees",
)
# Features of the answer against the whole knowledge base, not its reference: only for answers to bank items.
# The bank stage and the off-topic classifier read them (after FEATURES); the pooled scorer, which also
# grades against a teacher's given reference, does not (with it, ADS cross-validated Pearson fell .702 -> .697).
BANK_FEATURES: tuple[str, ...] = ("outside_domain",)
ALL_FEATURES: tuple[str, ...] = FEATURES + BANK_FEATURES


@dataclass
class Evidence:
    """Everything the score is computed from (also what `make train-grader` fits the scorer on)."""

    strengths: np.ndarray  # per point, 0-1
    weights: np.ndarray  # per point: its lexical mass to Calibration.point_weight_power
    lexical: np.ndarray
    embedded: np.ndarray  # per point: z-score of the best sentence vs the background
    embedded_strength: np.ndarray  # per point: the embedding z mapped onto the lexical scale
    evidence_units: list[str]
    coverage: float
    formula_conflict: float
    verdict_conflict: bool
    on_topic_share: float
    unrelated: bool  # no answer sentence is about the reference, and it covers little
    off_topic: bool  # many other bank items match the answer better; the flag also needs a low score
    truncated: bool
    hedge: bool = False  # the answer is an "I don't know" plus a short clause
    agreement: float = 1.0  # script agreement of answer and reference (1 same, 0 Chinese vs English)
    item_rank: int = 0  # how many bank items match the answer better than the asked one (0: unknown/first)
    item_margin: float = 0.0  # best other item's similarity minus the asked item's (negative: asked wins)
    has_item: bool = False  # graded against a bank item (vs a given reference)
    precision: float = 0.0  # IDF share of the answer's own terms that the reference also uses
    question_echo: float = 0.0  # IDF share of the answer's terms that only repeat the question
    answer_chars: int = 0  # content characters of the on-topic sentences
    reference_chars: int = 0
    glue_share: float = 0.0
    segment_chars: float = 0.0  # mean content characters between separators
    contradictions: list[Contradiction] = field(default_factory=list)
    # A bare list of terms. Whatever the question asks, an interviewer wants each named thing explained: the
    # exemption this once had for "有哪些…" questions came from a teachers' set ("库存成本由哪些部分构成？"),
    # where the cap no longer applies (OfflineGrader.cap), and in interviews it let a bare list through (dev:
    # the one such answer, reviewers 3, scored 6.0; the issue: "a bare keyword list <= 4").
    term_list: bool = False
    formula_recall: float = 0.0  # length-weighted share of the reference's formulas the answer states
    # Coverage of the best-covered single reference, when the item has several (files, or a teacher's
    # alternatives separated by blank lines): an answer that follows one of them fully is complete.
    best_reference_coverage: float = 0.0
    # Character/word n-gram overlap with the best-matching single reference (lexical.surface_overlap).
    surface_recall: float = 0.0
    surface_precision: float = 0.0
    true_false_question: bool = False
    verdict_agrees: bool = False  # a true/false question answered with the reference's verdict
    outside_domain: float = float("nan")  # IDF share of the answer's terms no bank item uses; NaN: no evidence


def text_shape(answer: str) -> tuple[float, float]:
    """(share of tokens that are function words, mean content characters per comma/sentence segment)."""
    import jieba

    tokens = [t.strip().lower() for t in jieba.lcut(answer or "") if _CONTENT.search(t)]
    glue = sum(t in GLUE_WORDS for t in tokens) / len(tokens) if tokens else 0.0
    segments = [s for s in _SEGMENT_BREAK.split(answer or "") if _CONTENT.search(s)]
    seg = float(np.mean([len(_CONTENT.findall(s)) for s in segments])) if segments else 0.0
    return glue, seg


def is_term_list(answer: str, glue: float) -> bool:
    """A bare list of terms ("低秩分解, A/B 矩阵, 冻结权重", "FFN, key-value memory, ROME"): names things,
    explains nothing. `glue`: text_shape's share of function words."""
    pieces = [p for p in _SEGMENT_BREAK.split(answer or "") if _CONTENT.search(p)]
    if len(pieces) < TERM_LIST_PIECES or glue >= TERM_LIST_GLUE:
        return False
    import jieba

    words = sum(1 for piece in pieces for t in jieba.lcut(piece) if _CONTENT.search(t))
    return words <= TERM_LIST_WORDS and words / len(pieces) <= TERM_LIST_PIECE_WORDS


def feature_vector(ev: Evidence) -> np.ndarray:
    """The named features of ALL_FEATURES (FEATURES, then BANK_FEATURES), in order (float64)."""
    n = max(len(ev.strengths), 1)
    # Calibration.covered_at / partly_at (0.2737 / 0.1021) rounded: the committed model was trained on these.
    covered_at, partly_at = 0.274, 0.102
    contradicted = len({c.point_index for c in ev.contradictions})
    values = {
        "coverage": ev.coverage,
        "coverage_root": max(ev.coverage, 0.0) ** 0.35,
        "top_strength": float(ev.strengths.max()) if len(ev.strengths) else 0.0,
        "covered_share": float((ev.strengths >= covered_at).sum()) / n,
        "partly_share": float((ev.strengths >= partly_at).sum()) / n,
        "lexical_mean": _weighted(ev.lexical, ev.weights),
        "embedded_mean": float(np.clip(ev.embedded, -5, 10).mean()) if len(ev.embedded) else 0.0,
        "embedded_max": float(np.clip(ev.embedded, -5, 10).max()) if len(ev.embedded) else 0.0,
        "embedded_strength": _weighted(ev.embedded_strength, ev.weights),
        "script_agreement": ev.agreement,
        "on_topic_share": ev.on_topic_share,
        "item_rank_log": math.log1p(ev.item_rank),
        "item_margin": float(np.clip(ev.item_margin, -0.2, 0.2)),
        "has_item": float(ev.has_item),
        "precision": ev.precision,
        "question_echo": ev.question_echo,
        "log_chars": math.log1p(ev.answer_chars),
        "length_ratio": float(np.clip(math.log((ev.answer_chars + 10) / (ev.reference_chars + 10)), -4, 4)),
        "glue_share": ev.glue_share,
        "segment_chars_log": math.log1p(ev.segment_chars),
        "formula_conflict": ev.formula_conflict,
        "formula_recall": ev.formula_recall,
        "best_reference_coverage": ev.best_reference_coverage,
        "verdict_conflict": float(ev.verdict_conflict),
        "hedge": float(ev.hedge),
        "contradicted_share": contradicted / n,
        "any_contradiction": float(contradicted > 0),
        "surface_recall": ev.surface_recall,
        "surface_precision": ev.surface_precision,
        "surface_f1": f1(ev.surface_recall, ev.surface_precision),
        "true_false_question": float(ev.true_false_question),
        "verdict_agrees": float(ev.verdict_agrees),
        "outside_domain": ev.outside_domain,
    }
    return np.asarray([values[name] for name in ALL_FEATURES], dtype=np.float64)


def f1(recall: float, precision: float) -> float:
    """Their harmonic mean (0 when both are 0)."""
    return 2 * recall * precision / (recall + precision) if recall + precision > 0 else 0.0


def _weighted(values: np.ndarray, weights: np.ndarray) -> float:
    if len(values) == 0:
        return 0.0
    return float(np.average(values, weights=weights)) if weights.sum() > 0 else float(values.mean())
