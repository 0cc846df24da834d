"""English answers to the (Chinese) bank: graded with and without the items' English key points.

    python -m evals.english [--split dev|test] [--without-english-points]

Every answer of evals/labelled/{split}.jsonl written in English (detect_language) is graded through the
production path (`interviewer grade`, the bank item's key points, the learned scorer); the figures are
Spearman/Pearson against the human scores with 95% bootstrap intervals, the mean of the complete English
answers (kind `english`), how many of them score under 6, and how many are flagged off topic.
`--without-english-points` grades as if the bank had no English versions (QAItem.en removed): the
"before" figure of issue #9. Choices are made on dev; test is reported, never tuned on.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from evals.context import build_context
from evals.labelled import grade_set, load_labelled, measure
from interviewer.validation import detect_language

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.english", description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test"), default="dev")
    ap.add_argument("--without-english-points", action="store_true")
    args = ap.parse_args(argv)
    ctx = build_context("offline")
    if args.without_english_points:
        for item in ctx.bank.items:
            item.en = None
    labelled = load_labelled(REPO / "evals" / "labelled" / f"{args.split}.jsonl")
    labelled.examples = [e for e in labelled.examples if detect_language(e.answer) == "en"]
    predictions = grade_set(labelled, ctx.grade_answer)
    metrics = measure(f"{args.split} English answers", predictions)
    complete = [p for p in predictions if p.kind == "english"]
    out = {
        "split": args.split, "english_points": not args.without_english_points, "n": metrics.n,
        "spearman": metrics.spearman, "spearman_ci": metrics.ci["spearman"], "pearson": metrics.pearson,
        "mae": metrics.mae, "complete_n": len(complete),
        "complete_mean": round(float(np.mean([p.predicted for p in complete])), 2) if complete else None,
        "complete_under_6": sum(p.predicted < 6 for p in complete),
        "complete_off_topic": sum("off_topic" in p.flags for p in complete),
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
