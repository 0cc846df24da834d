"""The training data of the learned scorer, and its features computed through the production grader.

Sources (every one of them training data; none is the frozen test split):
* `ads`  ../shared/data/sas-ads/ads-train.jsonl: 1,107 real answers, 15 data-structures questions, graded
         against the teacher's reference (the `grade --reference` path);
* `le`   ../shared/data/sas-le/le-train.jsonl: 409 real answers, logistics, graded against its reference;
* `en`   evals/training/translated/en.jsonl: all the ADS and LE train answers above (1,516), translated to
         English by our helper sessions with every error and omission kept (evals/training/translated/
         README.md), with the human score of the original: the only real scores the English given-reference
         path is taught with. Grouped with their Chinese originals (same question, same CV fold);
* `en-zh` the same English answers graded against their original Chinese question and reference;
* `own`  evals/labelled/dev.jsonl: our labelled interview answers to bank questions (the dev side of
         evals/labelled/split.json; test.jsonl is never read here);
* `own-en` evals/training/translated/dev-en.jsonl: those answers translated to English by helper sessions
         (every error, confusion, filler and injection kept; the reviewer's score unchanged), graded against
         the same bank item as an English answer is (its English key points). Without them the bank stage
         learnt English interview answers from 19 rows. Grouped with their originals (same CV fold);
* `synthetic` evals/training/variants.jsonl: variants of bank references labelled by construction
         (evals/variants.py), used only if cross-validation says they help, never reported as a figure;
* `misses` evals/training/misses/*.jsonl: interview answers to bank questions that miss the question (the term
         taken for something else, a neighbouring question answered instead, a drift into the candidate's own
         project) and plainly worded good ones, written blind by helper sessions (round h9; the file's README).
         Offered to **the off-topic classifier only**, which keeps them if its rule says so (off_topic.py);
         `misses-en` their English translations. Grouped with our answers to the same question (same CV fold), scored out of fold as served;
* `padding` copies of real answers with generic filler sentences added, labelled 0.9 x the original
         human score: filler must never earn points (without them, filler around a thin answer raised it
         from 1.5 to 4.2). Always in training, never in a figure; grouped with their originals in CV.
Every answer is graded the way the product grades it (`OfflineGrader.evidence` with the bank's key points
as background), so the features seen in training are the features seen at run time.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.grading.domain import vocabulary_for
from interviewer.grading.features import ALL_FEATURES, Evidence, feature_vector
from interviewer.grading.guards import is_non_answer, without_injection
from interviewer.grading.models import request_for_item
from interviewer.grading.offline import MAX_SCORE, OfflineGrader
from interviewer.grading.points import english_texts, key_points
from interviewer.grading.service import _request_from_reference, point_vectors_for
from interviewer.validation import detect_language
from knowledge.vector_cache import CachedEmbedder

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".interviewer" / "cache" / "embeddings.sqlite"  # every text embedded once across retrains
SHARED = REPO.parent / "shared" / "data"
SOURCES: dict[str, Path] = {
    "ads": SHARED / "sas-ads" / "ads-train.jsonl",
    "le": SHARED / "sas-le" / "le-train.jsonl",
    "en": REPO / "evals" / "training" / "translated" / "en.jsonl",
    "own": REPO / "evals" / "labelled" / "dev.jsonl",
    "own-en": REPO / "evals" / "training" / "translated" / "dev-en.jsonl",
    "synthetic": REPO / "evals" / "training" / "variants.jsonl",
    "misses": REPO / "evals" / "training" / "misses" / "h9.jsonl",
}
CROSS = "en-zh"  # translated answers against the original (Chinese) reference: built from "en" and its originals
OWN_EN = "own-en"
REAL_SOURCES = ("ads", "le", "own", "en", CROSS, OWN_EN)
INTERVIEW_SOURCES = ("own", OWN_EN)  # answers to bank items with a reviewer's score: what the bank stage learns
# Taught to the bank stage and the off-topic classifier only. Not to the pooled scorer: there (cross-validated,
# 2026-11-30) they moved ADS .691 -> .701 but cost our own answers .849 -> .839; nor to the move-on cut (train.py).
STAGE_ONLY = (OWN_EN,)
# Offered to the off-topic classifier only, never to a score or a decision: a data round's rule
# (evals.training.data_round, 2026-12-01) said the scorer must not learn round h9 (our older answers' out-of-fold
# Pearson 0.804 -> 0.796). Whether the classifier learns them is decided on every retrain by a rule fixed before
# they were first measured (off_topic._keeps); either way they are scored out of fold, as served, and measure it.
MISSES, MISSES_EN = "misses", "misses-en"
CLASSIFIER_ONLY = (MISSES, MISSES_EN)
BANK_SOURCES = (*INTERVIEW_SOURCES, *CLASSIFIER_ONLY)  # answers to bank items: scored as the product serves them
SCORER_SOURCES = {name: path for name, path in SOURCES.items() if name not in CLASSIFIER_ONLY}  # what a score learns


def pooled_sources(sources: np.ndarray) -> np.ndarray:
    """The rows of real sources the pooled scorer fits (the stage-only translations left out)."""
    return np.isin(sources, REAL_SOURCES) & ~np.isin(sources, STAGE_ONLY)
GIVEN_REFERENCE_SOURCES = ("ads", "le", "en")  # graded against the row's own reference, not a bank item
PADDING_PER_SOURCE = {"own": 400, "ads": 150, "le": 80, "en": 100}  # at most this many padded copies per source
PADDING_LABEL = 0.9  # a rambling answer is marked down a little, never up


@dataclass
class Row:
    source: str
    group: str  # the question: cross-validation folds never split one
    question: str
    answer: str
    score: float
    kind: str = ""
    reference: str | None = None
    writer: str = ""  # our interview answers: the writing round (writing_round); "" for the other sources


# Our dev answers were written in rounds (evals/labelled/README.md), each by its own helper sessions under its own
# brief; the round is the id's prefix ("h4-…", "more-…"), the first 100 have none.
_ROUND = re.compile(r"(h\d+|more\d*|thin)-")


def writing_round(answer_id: str) -> str:
    m = _ROUND.match(answer_id)
    return m.group(1) if m else "first"


def load_rows(sources: dict[str, Path] = SOURCES) -> list[Row]:
    rows: list[Row] = []
    originals: dict[str, Row] = {}  # ads / le rows by id: the Chinese side of each translation
    for source, path in sources.items():
        if not path.is_file():
            print(f"note: {source} data not found at {path}; skipped", file=sys.stderr)
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if obj.get("reference_wrong"):
                # Scored by the truth where the bank's reference is wrong: no grader that grades against
                # the reference can earn that label, so it would only teach noise. Still in the eval sets.
                continue
            given = obj.get("reference") if source in GIVEN_REFERENCE_SOURCES else None
            # A translation is grouped with its original's question: CV never splits one across languages.
            # A translated interview answer keeps its original's Chinese question (the bank item it answers).
            group = (f"{obj['origin']}:{obj['group']}" if source == "en"
                     else f"own:{obj['question']}" if source in (OWN_EN, MISSES) else f"{source}:{obj['question']}")
            writer = (writing_round(obj.get("source_id", "")) if source == OWN_EN
                      else writing_round(obj.get("id", "")) if source in ("own", MISSES) else "")
            rows.append(Row(source=source, group=group, question=obj["question"],
                            answer=obj["answer"], score=float(obj["score"]), kind=obj.get("kind", ""),
                            reference=given, writer=writer))
            if source in ("ads", "le"):
                originals[obj["id"]] = rows[-1]
            elif source == MISSES and obj.get("answer_en"):  # its translation, graded as an English answer
                rows.append(Row(source=MISSES_EN, group=group, question=obj["question"], answer=obj["answer_en"],
                                score=float(obj["score"]), kind=obj.get("kind", ""), writer=writer))
            elif source == "en" and (original := originals.get(obj.get("source_id", ""))) is not None:
                # The same English answer against the original Chinese question and reference: an English
                # speaker graded against a Chinese knowledge base (the embedding carries it across languages).
                rows.append(Row(source=CROSS, group=group, question=original.question, answer=obj["answer"],
                                score=float(obj["score"]), reference=original.reference))
    return rows + padding_rows(rows)


def cv_groups(rows: list[Row]) -> np.ndarray:
    """Each row's question group for cross-validation: synthetic variants join the real answers to the same bank
    question (padded copies and translations already carry their original's)."""
    return np.asarray([r.group.replace("synthetic:", "own:") for r in rows])


def padding_rows(rows: list[Row], seed: int = 0) -> list[Row]:
    """Padded copies of real answers (1-3 filler sentences before, after or around them)."""
    import random

    from evals.variant_tables import FILLERS_EN, FILLERS_ZH

    rng = random.Random(seed)
    zh = [f.replace("{term}", "这个技术") for f in FILLERS_ZH]
    en = [f.replace("{term}", "this technique") for f in FILLERS_EN]
    out: list[Row] = []
    for source, limit in PADDING_PER_SOURCE.items():
        pool = [r for r in rows if r.source == source and len(r.answer.strip()) >= 8 and r.kind != "non-answer"]
        for row in rng.sample(pool, min(limit, len(pool))):
            fillers = en if detect_language(row.answer) == "en" else zh
            picked = rng.sample(fillers, rng.randint(1, 3))
            cut = rng.randint(0, len(picked))
            answer = "".join(picked[:cut]) + row.answer + "".join(picked[cut:])
            out.append(Row(source="padding", group=row.group, question=row.question, answer=answer,
                           score=round(PADDING_LABEL * row.score, 2), kind="padding", reference=row.reference,
                           writer=row.writer))
    return out


class Featurizer:
    """Features of (question, answer) pairs through the real index and offline grader."""

    def __init__(self) -> None:
        from interviewer.settings import Settings
        from interviewer.wiring import build_index

        index = build_index(Settings())
        if not index.is_ready():
            raise SystemExit("the index has not been built: run `interviewer ingest` first")
        index.load()
        self.index = index
        item_ids, background = index.background_vectors()
        self.grader = OfflineGrader(CachedEmbedder(index.embedder, CACHE), background=background,
                                    background_items=item_ids)
        self.domain = vocabulary_for(index.bank, index.live_dir)

    def rule_score(self, row: Row) -> float | None:
        """0 when the production rules grade the answer without the scorer (non-answers), else None."""
        return 0.0 if is_non_answer(without_injection(row.answer)) else None

    def evidence(self, row: Row) -> Evidence:
        answer = without_injection(row.answer)
        lang = detect_language(answer) if answer.strip() else "zh"
        if row.reference is not None:
            request = _request_from_reference(row.question, answer, row.reference, lang)
            vectors = None
        else:
            item = self.index.bank.find_by_question(row.question)
            if item is None:
                raise ValueError(f"not a bank question: {row.question!r}")
            request = request_for_item(item, answer, lang)
            vectors = point_vectors_for(self.index, request)
        points = key_points(request)
        return self.grader.evidence(request.question, answer, points, vectors, item_id=request.item_id,
                                    english=english_texts(request, points), domain=self.domain)


def featurize(rows: list[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, gradeable mask, caps): features of every row the scorer grades (non-answers are left to the rules)
    and the most the product lets each score (OfflineGrader.cap: the figures are computed as served)."""
    featurizer = Featurizer()
    x = np.zeros((len(rows), len(ALL_FEATURES)))
    gradeable = np.zeros(len(rows), dtype=bool)
    caps = np.full(len(rows), MAX_SCORE)
    for n, row in enumerate(rows):
        if featurizer.rule_score(row) is not None:
            continue
        ev = featurizer.evidence(row)
        x[n] = feature_vector(ev)
        caps[n] = featurizer.grader.cap(ev)
        gradeable[n] = True
        if n % 250 == 0:
            print(f"features {n}/{len(rows)}", file=sys.stderr)
    return x, gradeable, caps
