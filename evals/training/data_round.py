"""Should a round of new dev answers be trained on? `python -m evals.training.data_round --extra FILE`.

FILE holds new labelled interview answers in the dev format (`{id, question, answer, score, kind, rationale}`,
optionally `answer_en`: an English translation, added to own-en as the other translations are). The served
recipe (the one `make train-grader` last chose, read from evals/results/grader-training.json) and the bank
stage are cross-validated by question twice on the same rows, dev plus the new answers: once trained without
the new answers, once with them; the equating, if the served model has one, is cross-fitted. The figures are out of fold on

* the older answers alone (what the round must not break), and
* the whole set (whether the round teaches what it was written for),

per source (own, own-en), with per-kind means. The rule, fixed before any round is measured (2026-11-30):
keep the round if, on the older own answers, neither Pearson nor Spearman falls by more than 0.005, the
wrong-but-fluent mean rises by at most 0.3, and the mean of Pearson and Spearman on the whole own set rises.
From the round after h10 on (added 2026-12-02, before any later round was measured), also: the older own
answers' MAE rises by at most 0.01. The rule read ranks only, and round h10 passed it while lowering the level
of the older answers' grades (MAE 1.45 -> 1.47; good 5.69 -> 5.57, partial 3.11 -> 2.87, reviewers 7.4 and 4.0):
grades are read on an absolute scale (6+ complete), and a canned transcript's good answers fell under 6.
The test split is never read. Mind the fold noise: GroupKFold balances the folds by size, so adding rows moves
which questions share a fold, and the same "without" figures on the older answers moved by up to 0.009 between
two rounds of different sizes (2026-11-30) — more than the 0.005 margin; a rule decision near it is a tie. The new rows' features are computed through the production grader (a few
minutes; through the training feature cache, which then holds them too). The classifier-only rounds
(data.CLASSIFIER_ONLY) are not read: this measures the scorer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from evals.labelled import read_jsonl
from evals.metrics import summarize
from evals.training import bank_stage
from evals.training.data import INTERVIEW_SOURCES, OWN_EN, SCORER_SOURCES, cv_groups, load_rows
from evals.training.models import CANDIDATES
from evals.training.train import FOLDS, cached_features, cross_validate, fit_rows_of
from interviewer.grading.features import FEATURES

REPORT = Path(__file__).resolve().parents[1] / "results" / "grader-training.json"
KINDS = ("excellent", "good", "partial", "thin", "wrong-but-fluent", "off-topic")
MAX_DROP = 0.005  # on the older answers: Pearson or Spearman may fall by at most this
MAX_WRONG_RISE = 0.3  # ... and the wrong-but-fluent mean may rise by at most this
MAX_MAE_RISE = 0.01  # ... and their MAE by at most this (rounds after h10)


def merged_sources(new: list[dict[str, Any]], folder: Path) -> dict[str, Path]:
    """The training sources with the new answers added to own (and their translations to own-en)."""
    own, own_en = folder / "own.jsonl", folder / "own-en.jsonl"
    keep = ("id", "question", "answer", "score", "kind", "rationale")
    with own.open("w", encoding="utf-8") as f:
        f.write(SCORER_SOURCES["own"].read_text(encoding="utf-8"))
        for o in new:
            f.write(json.dumps({k: o[k] for k in keep if k in o}, ensure_ascii=False) + "\n")
    with own_en.open("w", encoding="utf-8") as f:
        f.write(SCORER_SOURCES[OWN_EN].read_text(encoding="utf-8"))
        for o in new:
            if o.get("answer_en") and o["answer_en"] != o["answer"]:
                f.write(json.dumps({"id": f"{o['id']}-en", "source_id": o["id"], "question": o["question"],
                                    "answer": o["answer_en"], "score": o["score"], "kind": o["kind"]},
                                   ensure_ascii=False) + "\n")
    return {**SCORER_SOURCES, "own": own, OWN_EN: own_en}


def served(x: np.ndarray, y: np.ndarray, sources: np.ndarray, groups: np.ndarray, gradeable: np.ndarray,
           train_rows: np.ndarray, recipe: dict[str, Any], equate: bool) -> np.ndarray:
    """Out-of-fold scores of our answers as served (pooled recipe, bagged bank stage, the equating if `equate`),
    fitted on `train_rows` only."""
    candidate = next(c for c in CANDIDATES if c.name == recipe["candidate"])
    fit_mask = train_rows & fit_rows_of(recipe, sources, gradeable)
    pooled = np.where(gradeable, cross_validate(candidate, x[:, :len(FEATURES)], y, groups, sources, fit_mask,
                                                recipe["balanced"]), 0.0)
    stage = next(s for s in bank_stage.STAGES if s.bags > 1)
    interview = np.isin(sources, INTERVIEW_SOURCES) & gradeable
    staged = bank_stage.cross_validated(stage, x, y, pooled, sources, groups, gradeable, FOLDS, fit_rows=train_rows)
    return bank_stage.cross_equated(staged, y, interview, groups, FOLDS, fit_rows=train_rows) if equate else staged


def figures(pred: np.ndarray, y: np.ndarray, rows: np.ndarray, kinds: np.ndarray) -> dict[str, Any]:
    m = summarize(pred[rows], y[rows])
    return {"n": int(rows.sum()), "pearson": round(m["pearson"], 3), "spearman": round(m["spearman"], 3),
            "mae": round(m["mae"], 2),
            "kinds": {k: round(float(pred[rows & (kinds == k)].mean()), 2) for k in KINDS if (rows & (kinds == k)).any()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.training.data_round", description=__doc__.splitlines()[0])
    ap.add_argument("--extra", type=Path, required=True, help="JSONL of new dev answers")
    args = ap.parse_args(argv)
    report = json.loads(REPORT.read_text(encoding="utf-8"))
    recipe, equate = report["chosen"], bool(report.get("equating", {}).get("chosen"))
    new = read_jsonl(args.extra)
    with tempfile.TemporaryDirectory() as folder:
        rows = load_rows(merged_sources(new, Path(folder)))
    new_answers = {o["answer"] for o in new} | {o["answer_en"] for o in new if o.get("answer_en")}
    # a new row: one of the new answers, its translation, or a padded copy of either
    is_new = np.asarray([r.source in (*INTERVIEW_SOURCES, "padding") and r.group.startswith("own:")
                         and any(a in r.answer for a in new_answers) for r in rows])
    print(f"{int(is_new.sum())} new rows (with translations and padded copies); featurising those the cache lacks…",
          file=sys.stderr)
    x, gradeable, caps = cached_features(rows)
    y = np.asarray([r.score for r in rows])
    sources = np.asarray([r.source for r in rows])
    groups = cv_groups(rows)
    kinds = np.asarray([r.kind for r in rows])
    result: dict[str, Any] = {}
    for label, train_rows in (("without", ~is_new), ("with", np.ones(len(rows), dtype=bool))):
        pred = np.minimum(served(x, y, sources, groups, gradeable, train_rows, recipe, equate), caps)
        for source in INTERVIEW_SOURCES:
            at = sources == source  # non-answers included, graded 0 by rule (as the training report counts them)
            result[f"{label} / {source} / older"] = figures(pred, y, at & ~is_new, kinds)
            result[f"{label} / {source} / whole"] = figures(pred, y, at, kinds)
            if (at & is_new).sum() > 1:
                result[f"{label} / {source} / new"] = figures(pred, y, at & is_new, kinds)
    for name, f in result.items():
        print(f"{name:28s} n {f['n']:5d}  r {f['pearson']:.3f}  rho {f['spearman']:.3f}  MAE {f['mae']:.2f}  {f['kinds']}")
    keep = keeps(result["without / own / older"], result["with / own / older"],
                 result["without / own / whole"], result["with / own / whole"])
    print(f"rule: {'KEEP' if keep else 'do not keep'} the round (see the module docstring)")
    return 0


def keeps(old_a: dict[str, Any], old_b: dict[str, Any], whole_a: dict[str, Any], whole_b: dict[str, Any]) -> bool:
    """The rule of the module docstring on `figures` of the older own answers and of the whole own set, trained
    without (a) and with (b) the round."""
    return (old_b["pearson"] >= old_a["pearson"] - MAX_DROP and old_b["spearman"] >= old_a["spearman"] - MAX_DROP
            and old_b["kinds"].get("wrong-but-fluent", 0) <= old_a["kinds"].get("wrong-but-fluent", 0) + MAX_WRONG_RISE
            and old_b["mae"] <= old_a["mae"] + MAX_MAE_RISE
            and whole_b["pearson"] + whole_b["spearman"] > whole_a["pearson"] + whole_a["spearman"])


if __name__ == "__main__":
    sys.exit(main())
