"""The offline grader: key-point coverage without an LLM, calibrated on human scores.

Evidence, per key point of the reference:
* lexical: IDF-weighted share of the point's terms the answer uses (terms of the question count 0.3),
  with the point's formulas ("2^(n-1)", "O(n)") matched as extra heavy terms;
* embedding, relative: the best answer sentence's similarity to the point as a z-score against that
  sentence's similarities to a background of other questions' key points (absolute cosine is
  0.84-0.94 for every kind of answer, so it is never thresholded).
The two are blended by script agreement: a Chinese answer to a Chinese reference is scored on the lexical
evidence (on sas-ads dev, blending in the embedding lowered Pearson from 0.72 to 0.69 at 10% weight);
an English answer to it, on the embedding evidence mapped onto the lexical scale.
The embedding also decides topicality (off_topic, and the share of on-topic sentences that damps padding)
and which answer sentence is cited for each point. An injection is cut out before grading and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interviewer.grading import lexical
from interviewer.grading.calibration import DEFAULT_CALIBRATION, Calibration
from interviewer.grading.guards import content_chars, find_injection, is_hedge, is_non_answer, strip_injection
from interviewer.grading.models import Grade, GradeReference, GradeRequest, PointResult
from interviewer.grading.offline_feedback import compose_grade_text
from knowledge.claims import split_claims
from knowledge.embedders import Embedder
from knowledge.models import KeyPoint

PROMPT_VERSION = "offline_v1"
MAX_UNITS = 40  # answer sentences embedded per grade (latency bound); the rest still count lexically
UNIT_CHARS = 120

# Other-topic statements: the background when the caller supplies none (embedded once per grader).
DEFAULT_BACKGROUND = (
    "梯度下降沿损失函数的负梯度方向更新参数。", "卷积神经网络通过局部感受野和权值共享提取特征。",
    "哈希表通过哈希函数把键映射到桶中，平均查找复杂度为O(1)。", "TCP 通过三次握手建立连接。",
    "数据库索引通常使用 B+ 树实现。", "进程是资源分配的基本单位，线程是调度的基本单位。",
    "快速排序平均时间复杂度为 O(n log n)。", "正则化通过惩罚模型复杂度来缓解过拟合。",
    "HTTP 是无状态的应用层协议。", "光合作用把光能转化为化学能。", "Python 的 GIL 限制了多线程并行执行字节码。",
    "Dropout randomly zeroes activations during training to reduce overfitting.",
    "A binary search tree keeps smaller keys in the left subtree.", "Docker containers share the host kernel.",
    "Word2vec learns word embeddings from local context windows.", "RAID 1 mirrors data across two disks.",
)


@dataclass
class Evidence:
    """Everything the score is computed from (also what evals fit the calibration on)."""

    strengths: np.ndarray  # per point, 0-1
    weights: np.ndarray  # per point: its lexical mass
    lexical: np.ndarray
    embedded: np.ndarray  # per point: z-score of the best sentence vs the background
    evidence_units: list[str]
    coverage: float
    formula_conflict: float
    verdict_conflict: bool
    on_topic_share: float
    off_topic: bool
    truncated: bool
    hedge: bool = False  # the answer is an "I don't know" plus a short clause


class OfflineGrader:
    """Grades a GradeRequest from key-point coverage; deterministic, no network, no LLM."""

    def __init__(
        self,
        embedder: Embedder,
        background: np.ndarray | None = None,
        calibration: Calibration = DEFAULT_CALIBRATION,
        lexicon: lexical.Lexicon | None = None,
        background_items: list[str] | None = None,
    ) -> None:
        self.embedder = embedder
        self.calibration = calibration
        self.lexicon = lexicon or lexical.Lexicon()
        self._background = None if background is None else np.asarray(background, dtype=np.float32)
        # Which bank item each background row is a key point of: lets the grader rank the asked item
        # against every other item for this answer (DESIGN: an answer to another question ranks ~70th).
        self._item_of_row: np.ndarray | None = None
        self._item_ids: dict[str, int] = {}
        if background_items is not None and self._background is not None:
            if len(background_items) != len(self._background):
                raise ValueError("background_items must name the item of every background row")
            self._item_ids = {item: n for n, item in enumerate(dict.fromkeys(background_items))}
            self._item_of_row = np.asarray([self._item_ids[i] for i in background_items], dtype=np.int64)

    @property
    def background(self) -> np.ndarray:
        if self._background is None or len(self._background) == 0:
            self._background = self.embedder.embed_passages(list(DEFAULT_BACKGROUND))
        return self._background

    def grade(self, request: GradeRequest, point_vectors: np.ndarray | None = None) -> Grade:
        points = _key_points(request)
        injection = find_injection(request.answer)
        answer = strip_injection(request.answer) if injection else request.answer
        flags = ["injection_attempt"] if injection else []
        if not points or is_non_answer(answer):
            flags += ["non_answer"] + (["empty"] if content_chars(answer) == 0 else [])
            return self._compose(request, points, None, 0.0, flags)
        ev = self.evidence(request.question, answer, points, point_vectors, item_id=request.item_id)
        if ev.hedge and ev.coverage < self.calibration.hedge_coverage:
            return self._compose(request, points, None, 0.0, flags + ["non_answer"])
        score = self.score(ev)
        flags += (["off_topic"] if ev.off_topic else []) + (["truncated"] if ev.truncated else [])
        return self._compose(request, points, ev, score, flags)

    def evidence(
        self,
        question: str,
        answer: str,
        points: list[KeyPoint],
        point_vectors: np.ndarray | None = None,
        item_id: str | None = None,
    ) -> Evidence:
        cal = self.calibration
        texts = [p.text for p in points]
        all_units = split_claims(answer, max_chars=UNIT_CHARS) or [answer.strip()]
        units = all_units[:MAX_UNITS]
        unit_vecs = self.embedder.embed_queries(units)
        if point_vectors is None:
            point_vectors = self.embedder.embed_passages(texts)
        point_vecs = np.asarray(point_vectors, dtype=np.float32)
        if point_vecs.shape != (len(points), unit_vecs.shape[1]):
            raise ValueError(f"point_vectors must be {(len(points), unit_vecs.shape[1])}, got {point_vecs.shape}")
        sims = unit_vecs @ point_vecs.T  # units x points
        back = unit_vecs @ self.background.T  # units x background
        z = (sims - back.mean(1, keepdims=True)) / (back.std(1, keepdims=True) + 1e-6)
        embedded = z.max(0)

        lex, weights = self._lexical(question, answer, texts)
        agree = lexical.script_agreement(answer, " ".join(texts))
        emb_strength = np.clip(cal.emb_intercept + cal.emb_slope * embedded, 0.0, 1.0)
        strengths = agree * lex + (1.0 - agree) * emb_strength
        coverage = float(np.average(strengths, weights=weights)) if weights.sum() > 0 else float(strengths.mean())

        rank = (sims.max(1, keepdims=True) > back).mean(1)  # per unit: share of background it beats
        on_topic = rank >= cal.on_topic_rank
        _, formula_conflict, _ = lexical.formula_evidence("\n".join(texts), answer, question)
        return Evidence(
            strengths=strengths,
            weights=weights,
            lexical=lex,
            embedded=embedded,
            evidence_units=self._evidence_units(units, texts, z, agree),
            coverage=coverage,
            formula_conflict=formula_conflict,
            verdict_conflict=lexical.verdict_conflict(question, "\n".join(texts), answer),
            on_topic_share=float(on_topic.mean()),
            off_topic=(not on_topic.any() and coverage < cal.off_topic_coverage)
            or (coverage < cal.off_topic_item_coverage
                and self._beaten_by_other_items(item_id, sims, back)),
            truncated=len(all_units) > MAX_UNITS,
            hedge=is_hedge(answer),
        )

    def _beaten_by_other_items(self, item_id: str | None, sims: np.ndarray, back: np.ndarray) -> bool:
        """Whether many other bank items match the answer better than the asked one, the best of them by a
        clear margin. Items are compared by their best point's similarity to any answer sentence; False
        when the grader has no item-labelled background or the item is unknown."""
        if self._item_of_row is None or item_id not in self._item_ids:
            return False
        per_item = np.full(len(self._item_ids), -np.inf, dtype=np.float32)
        np.maximum.at(per_item, self._item_of_row, back.max(0))
        own = max(float(sims.max()), float(per_item[self._item_ids[item_id]]))
        per_item[self._item_ids[item_id]] = -np.inf
        rank = 1 + int((per_item > own).sum())
        margin = float(per_item.max()) - own
        return rank > self.calibration.off_topic_item_rank and margin > self.calibration.off_topic_item_margin

    def score(self, ev: Evidence) -> float:
        cal = self.calibration
        raw = cal.intercept + cal.slope * max(ev.coverage, 0.0) ** cal.exponent
        raw -= cal.conflict_penalty * ev.formula_conflict
        raw *= min(1.0, cal.padding_floor + 2 * (1.0 - cal.padding_floor) * ev.on_topic_share)
        if ev.verdict_conflict:
            raw = min(raw, cal.verdict_cap)
        if ev.off_topic:
            raw = min(raw, cal.off_topic_cap)
        if ev.hedge:
            raw = min(raw, cal.hedge_cap)
        return round(float(np.clip(raw, 0.0, 10.0)), 1)

    def _lexical(self, question: str, answer: str, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per point: (coverage 0-1, weight) from terms and formulas of the point found in the answer."""
        fw = self.calibration.formula_weight
        asked_terms = self.lexicon.tokens(question)
        asked_formulas = set(lexical.expressions(question))
        used = self.lexicon.tokens(answer)
        answer_math = lexical.normalize_math(answer)
        cover, weight = [], []
        for text in texts:
            terms = {t: self.lexicon.weight(t) * (lexical.QUESTION_TERM_WEIGHT if t in asked_terms else 1.0)
                     for t in self.lexicon.tokens(text) if lexical.is_term(t)}
            formulas = [f for f in lexical.expressions(text) if f not in asked_formulas]
            got = sum(w for t, w in terms.items() if t in used) + fw * sum(f in answer_math for f in formulas)
            total = sum(terms.values()) + fw * len(formulas)
            cover.append(got / total if total > 0 else 0.0)
            weight.append(total)
        return np.asarray(cover), np.asarray(weight)

    def _evidence_units(self, units: list[str], texts: list[str], z: np.ndarray, agree: float) -> list[str]:
        """Per point, the answer sentence that best evidences it (terms shared, and embedding z)."""
        out = []
        for j, text in enumerate(texts):
            lex = np.array([self.lexicon.recall(text, unit) for unit in units])
            zs = np.clip(self.calibration.emb_intercept + self.calibration.emb_slope * z[:, j], 0, 1)
            out.append(units[int(np.argmax(agree * lex + (1 - agree) * zs + 1e-3 * zs))])
        return out

    def _compose(
        self, request: GradeRequest, points: list[KeyPoint], ev: Evidence | None, score: float, flags: list[str]
    ) -> Grade:
        cal = self.calibration
        results = []
        for i, p in enumerate(points):
            strength = float(ev.strengths[i]) if ev else 0.0
            covered = strength >= cal.covered_at
            results.append(PointResult(
                text=p.text, source=p.source, section=p.section, covered=covered,
                partly=not covered and strength >= cal.partly_at,
                evidence=ev.evidence_units[i] if ev and covered else "", score=round(strength, 3),
            ))
        rubric, summary, note = compose_grade_text(request.language, score, results, ev, flags)
        return Grade(
            score=score,
            rubric=rubric,
            covered=[r.text for r in results if r.covered],
            missing=[r.text for r in results if not r.covered],
            references=[GradeReference(source=r.source, section=r.section, text=r.text) for r in request.references],
            flags=flags,
            grader="offline",
            prompt_version=PROMPT_VERSION,
            points=results,
            summary=summary,
            note=note,
            item_id=request.item_id,
        )


def _key_points(request: GradeRequest) -> list[KeyPoint]:
    """The request's key points, or claims split from its references when it has none."""
    if request.key_points:
        return [p for p in request.key_points if p.text.strip()]
    return [
        KeyPoint(source=r.source, section=r.section, line_start=r.line_start, line_end=r.line_end, text=claim)
        for r in request.references
        for claim in split_claims(r.text)
    ]
