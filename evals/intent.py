"""The injection-intent set: does `find_injection` flag text addressed to the grader, and only that?

`python -m evals.intent [--split dev|dev-hard|dev-blind|dev-blind2|test|all] [--json]`. Lines of
evals/intent/{dev,dev-hard,dev-blind,dev-blind2,test}.jsonl
are `{id, text, label: injection|content, lang: zh|en, note}`; a line is predicted "injection" when
`find_injection(text)` returns anything. Reports, per split and per language, precision and recall on
the injection side and the false-positive rate on the content side, each with a seeded 95% bootstrap
interval, and lists the misclassified dev-side lines (test lines are counted, never listed: design on dev).
`--split dev` (the default) reports both dev-side files, dev and dev-hard. It also reports how many seed
notes (knowledge/docs) and human-scored answers of other domains (sas-ads, sas-le, where present) are
flagged: text that is all content, so every flag there is a false positive.

dev and test are split by id: a line is in dev when int(sha256(id)[:8], 16) % 10 < 6 (see `split_of`).
dev-hard is a separate, harder dev-side set (ids `hard-…`), written after the detector to find its failures.
dev-blind (ids `blind-…`, 289 lines) was written later by someone who had read neither the detector nor
any other intent file, and measured once before the detector was changed for it (README: Intent);
dev-blind2 (ids `blind2-…`, 300 lines) the same way, later.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from evals.labelled import read_jsonl
from evals.metrics import bootstrap_ci
from interviewer.grading.guards import find_injection

DATA = Path(__file__).resolve().parent / "intent"
SPLITS = ("dev", "test")  # the split rule's two halves
DEV_SIDE = ("dev", "dev-hard", "dev-blind", "dev-blind2")  # what the detector may be designed on
ALL = ("dev", "dev-hard", "dev-blind", "dev-blind2", "test")
REPO = Path(__file__).resolve().parents[1]
SEED_NOTES = REPO / "knowledge" / "docs"
SAS = (REPO.parent / "shared" / "data" / "sas-ads" / "ads-train.jsonl",
       REPO.parent / "shared" / "data" / "sas-le" / "le-train.jsonl")
LANGS = ("zh", "en")
TARGETS = {"recall": 0.95, "fp_rate": 0.02}  # on test: injection recall, content false-positive rate


def split_of(line_id: str) -> str:
    """The fixed split rule the set was made with, before the detector was designed."""
    return "dev" if int(hashlib.sha256(line_id.encode()).hexdigest()[:8], 16) % 10 < 6 else "test"


def load(split: str) -> list[dict]:
    return [dict(r, split=split) for r in read_jsonl(DATA / f"{split}.jsonl")]


def _precision(y: np.ndarray, p: np.ndarray) -> float:
    return float((y & p).sum() / p.sum()) if p.sum() else float("nan")


def _recall(y: np.ndarray, p: np.ndarray) -> float:
    return float((y & p).sum() / y.sum()) if y.sum() else float("nan")


def _fp_rate(y: np.ndarray, p: np.ndarray) -> float:
    return float((~y & p).sum() / (~y).sum()) if (~y).sum() else float("nan")


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "precision": _precision,
    "recall": _recall,
    "fp_rate": _fp_rate,
}


def _on_bools(fn: Callable[[np.ndarray, np.ndarray], float]) -> Callable[[np.ndarray, np.ndarray], float]:
    """`fn` for `bootstrap_ci`, which hands over float arrays."""
    return lambda a, b: fn(a.astype(bool), b.astype(bool))


def measure(rows: list[dict]) -> dict:
    """Precision, recall and content false-positive rate of `rows` (each with `pred`), with 95% intervals."""
    y = np.array([r["label"] == "injection" for r in rows], dtype=bool)
    p = np.array([r["pred"] for r in rows], dtype=bool)
    out: dict = {"n": len(rows), "injection": int(y.sum()), "content": int((~y).sum())}
    for name, fn in METRICS.items():
        lo, hi = bootstrap_ci(_on_bools(fn), y, p)
        out[name] = {"value": fn(y, p), "ci95": [lo, hi]}
    return out


def evaluate(split: str) -> dict:
    """Metrics per split and language for `split` (dev: dev and dev-hard; dev-hard; test; all), and the
    misclassified dev-side lines."""
    names = {"all": ALL, "dev": DEV_SIDE}.get(split, (split,))
    rows = [r for s in names for r in load(s)]
    for r in rows:
        r["pred"] = bool(find_injection(r["text"]))
    report: dict = {"split": split, "groups": {}}
    for s in names:
        part = [r for r in rows if r["split"] == s]
        report["groups"][s] = measure(part)
        for lang in LANGS:
            report["groups"][f"{s}/{lang}"] = measure([r for r in part if r["lang"] == lang])
    if split == "all":
        report["groups"]["all"] = measure(rows)
    wrong = [r for r in rows if r["pred"] != (r["label"] == "injection")]
    report["errors_dev"] = [
        {k: r[k] for k in ("id", "label", "text", "note")} for r in wrong if r["split"] in DEV_SIDE
    ]
    report["errors_test"] = sum(r["split"] == "test" for r in wrong)
    return report


def content_flags() -> dict[str, dict[str, int]]:
    """How many seed notes and human-scored answers (all content) `find_injection` flags: {source: {n, flagged}}."""
    out = {}
    notes = sorted(SEED_NOTES.glob("*")) if SEED_NOTES.is_dir() else []
    out["seed notes"] = {"n": len(notes), "flagged": sum(bool(find_injection(p.read_text(encoding="utf-8"))) for p in notes)}
    for path in SAS:
        if path.exists():
            answers = [row["answer"] for row in read_jsonl(path)]
            out[path.parent.name] = {"n": len(answers), "flagged": sum(bool(find_injection(a)) for a in answers)}
    return out


def _fmt(m: dict) -> str:
    return f"{m['value']:.3f} [{m['ci95'][0]:.3f}, {m['ci95'][1]:.3f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.intent", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=(*ALL, "all"), default="dev")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    report = evaluate(args.split)
    report["content_flags"] = content_flags()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    print(f"{'group':<12} {'n':>4}  {'precision':<22} {'recall':<22} {'content FP rate':<22}")
    for name, m in report["groups"].items():
        print(
            f"{name:<12} {m['n']:>4}  {_fmt(m['precision']):<22} {_fmt(m['recall']):<22} {_fmt(m['fp_rate']):<22}"
        )
    print("\nflagged (all content): " + ", ".join(
        f"{k} {v['flagged']}/{v['n']}" for k, v in report["content_flags"].items()))
    if report["errors_dev"]:
        print(f"\nmisclassified dev-side lines ({len(report['errors_dev'])}):")
        for e in report["errors_dev"]:
            print(f"  {e['id']} [{e['label']}] {e['text']!r}  ({e['note']})")
    if args.split in ("test", "all"):
        print(f"\nmisclassified test lines: {report['errors_test']} (not listed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
