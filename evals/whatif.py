"""Which features pull one answer's grade down: a what-if over the learned scorer, one feature at a time.

    python -m evals.whatif --question "什么是 LoRA？" --answer "…" [--top 6] [--json]
    python -m evals.whatif --file answers.jsonl [--top 6] [--json]      # {question, answer} per line

For an answer to a bank question: its features through the real index and offline grader (the ones training
reads, `evals.training.data.Featurizer`), the learned score (pooled scorer, bank stage, equating: before the
rules' caps and flags, which `interviewer grade` applies), the learned decisions' probabilities (complete enough
to move on, off topic: None where the model file has no such classifier), and for each feature the change in that score when
that feature alone is set to its median over good answers (our dev answers reviewers scored 7 or more). A
large positive change means the feature holds this answer below good answers; features move together, so
read the list as where to look, not as a sum. The medians take ~40 s to compute (the dev answers' features;
longer on a fresh checkout, which embeds them first). Needs an ingested index (`interviewer ingest`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from evals.labelled import read_jsonl
from evals.training.data import Featurizer, Row
from interviewer.grading.features import ALL_FEATURES, feature_vector
from interviewer.grading.scorer import Scorer, default_scorer

DEV = Path(__file__).resolve().parent / "labelled" / "dev.jsonl"
GOOD = 7.0  # reviewers' score from which a dev answer is one of the good answers compared with


def what_if(scorer: Scorer, features: np.ndarray, reference: np.ndarray) -> list[tuple[float, str, float, float]]:
    """(change in score, feature, its value, the reference value) for every feature, the largest change first:
    the score with that one feature set to the reference value, minus the score as it is."""
    base = scorer.predict(features)
    out = []
    for i, name in enumerate(ALL_FEATURES):
        changed = np.array(features, dtype=np.float64)
        changed[i] = reference[i]
        out.append((scorer.predict(changed) - base, name, float(features[i]), float(reference[i])))
    return sorted(out, key=lambda t: (-t[0], t[1]))


def good_medians(featurizer: Featurizer, path: Path = DEV) -> np.ndarray:
    """Each feature's median over the dev answers reviewers scored GOOD or more (non-answers aside)."""
    rows = [Row(source="own", group=f"own:{r['question']}", question=r["question"], answer=r["answer"],
                score=float(r["score"])) for r in read_jsonl(path) if float(r["score"]) >= GOOD]
    x = [feature_vector(featurizer.evidence(row)) for row in rows if featurizer.rule_score(row) is None]
    return np.nanmedian(np.asarray(x), axis=0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.whatif", description=__doc__.splitlines()[0])
    ap.add_argument("--question")
    ap.add_argument("--answer")
    ap.add_argument("--file", type=Path, help="a JSONL file of {question, answer}")
    ap.add_argument("--top", type=int, default=6, help="features to list per answer (default 6)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.file is not None:
        cases = [(str(r["question"]), str(r["answer"])) for r in read_jsonl(args.file)]
    elif args.question and args.answer:
        cases = [(args.question, args.answer)]
    else:
        ap.error("give --question and --answer, or --file")
    featurizer = Featurizer()
    unknown = [q for q, _ in cases if featurizer.index.bank.find_by_question(q) is None]
    if unknown:
        print(f"not a bank question: {unknown[0]!r} (the what-if reads the bank stage)", file=sys.stderr)
        return 2
    scorer = default_scorer()
    reference = good_medians(featurizer)
    results: list[dict[str, Any]] = []
    for question, answer in cases:
        row = Row(source="own", group="", question=question, answer=answer, score=0.0)
        if featurizer.rule_score(row) is not None:
            results.append({"question": question, "answer": answer, "non_answer": True})
            continue
        x = feature_vector(featurizer.evidence(row))
        changes = what_if(scorer, x, reference)[: args.top]
        score = scorer.predict(x)
        p_complete, p_off_topic = scorer.complete_probability(x, score), scorer.off_topic_probability(x)
        results.append({"question": question, "answer": answer, "score": round(score, 2),
                        "pooled": round(scorer.raw_score(x), 2),
                        "p_complete": None if p_complete is None else round(p_complete, 3),
                        "p_off_topic": None if p_off_topic is None else round(p_off_topic, 3),
                        "features": [{"feature": n, "value": round(v, 3), "good_median": round(m, 3),
                                      "change": round(d, 2)} for d, n, v, m in changes]})
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    for r in results:
        print(f"\n{r['answer'][:70]}…")
        if r.get("non_answer"):
            print("   a non-answer: the rules grade it 0, the scorer is not asked")
            continue
        print(f"   learned score {r['score']} (pooled {r['pooled']}), P(complete) {r['p_complete']}, "
              f"P(off topic) {r['p_off_topic']}; set to good answers' median:")
        for f in r["features"]:
            print(f"   {f['feature']:28s} {f['value']:8.3f} -> {f['good_median']:8.3f}: {f['change']:+.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
