"""Fit which key points an answer covers: `python -m evals.training.points` (part of `make train-grader`).

Data: reviewers' per-point labels (covered / partly / missing / contradicted) of our labelled answers,
evals/training/point_labels/{dev,test}.jsonl (how they were written: evals/training/point_labels/INSTRUCTIONS.md). Each
labelled answer is graded through the production grader (the interview path, the bank item's stored key-point
vectors); the grader's per-point evidence and the answer's calibrated score give point_model.POINT_FEATURES.

Two logistic regressions are fitted on the dev labels: P(covered) and P(at least touched on: covered or
partly). They are cross-validated by question (GroupKFold, 5 folds) against the rule they replace (a point
covered from a fixed strength, Calibration's old derived thresholds), for each regularisation strength in
C_GRID; the C with the best out-of-fold macro F1 (covered / partly / missed) is refitted on all dev labels and
written to interviewer/grading/point_model.json, with a report in evals/results/point-model.{json,md}.
`--test` measures the written model and the old rule on the frozen test labels (report it once; choose nothing
on it).

Caveat: the `score` feature of a dev answer comes from the committed scorer, which was trained on those
answers, so it is closer to the human score than a new answer's would be; the test figures have no such help.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evals.labelled import read_jsonl
from evals.metrics import bootstrap_ci, mae, spearman
from interviewer.grading.calibration import DEFAULT_CALIBRATION
from interviewer.grading.models import Grade, request_for_item
from interviewer.grading.point_model import MODEL_PATH, POINT_FEATURES, PointModel
from interviewer.session.models import Language
from interviewer.validation import detect_language
from knowledge.models import QAItem

LABELLED = Path(__file__).resolve().parents[1] / "labelled"
POINTS_DIR = Path(__file__).resolve().parent / "point_labels"
RESULTS = Path(__file__).resolve().parents[1] / "results"
LABELS = ("covered", "partly", "missing", "contradicted")
CLASSES = ("covered", "partly", "missed")  # contradicted counts as missed: the report lists it as not covered
C_GRID = (0.1, 1.0, 10.0)
FOLDS = 5


@dataclass
class PointRows:
    """One row per labelled (answer, key point)."""

    x: np.ndarray  # POINT_FEATURES
    label: np.ndarray  # index into CLASSES
    answer: np.ndarray  # which answer (for per-answer completeness)
    group: np.ndarray  # the question (folds)
    skipped: int  # labelled answers whose item or key points changed since labelling


class _Recorder:
    """Stands in for the point model while grading: keeps each grade's point features, and judges as `model`
    does (nothing covered without one)."""

    def __init__(self, model: PointModel | None = None) -> None:
        self.model = model
        self.features: list[np.ndarray] = []

    def judge(self, features: np.ndarray) -> list[tuple[bool, bool]]:
        self.features.append(features)
        return self.model.judge(features) if self.model else [(False, False)] * len(features)


def load_labels(split: str) -> list[dict[str, Any]]:
    return read_jsonl(POINTS_DIR / f"{split}.jsonl")


@dataclass
class Labelled:
    """A labelled answer of a split, ready to grade through the index's offline grader."""

    n: int  # its line in the split's label file
    labels: list[dict[str, Any]]  # per key point, in the item's order
    question: str
    answer: str
    language: Language
    item: QAItem


def labelled_answers(split: str, recorder: _Recorder) -> tuple[Any, list[Labelled], int]:
    """The offline eval context (its grader's point model replaced by `recorder`), the labelled answers of `split`,
    and how many were left out because their item's key points changed since labelling."""
    from evals.evaluation import build_context

    ctx = build_context("offline")
    offline = getattr(ctx.grader, "offline", None)  # the IndexedGrader's OfflineGrader
    if offline is None:
        raise SystemExit("the point model is fitted through the offline grader of the index: run `interviewer ingest`")
    offline.point_model = recorder
    answers = {row["id"]: row for row in read_jsonl(LABELLED / f"{split}.jsonl")}
    out, skipped = [], 0
    for n, entry in enumerate(load_labels(split)):
        row = answers[entry["id"]]
        item = ctx.bank.find_by_question(row["question"])
        if item is None or [p.text for p in item.key_points] != [p["point"] for p in entry["labels"]]:
            skipped += 1
            continue
        language: Language = "en" if detect_language(row["answer"]) == "en" else "zh"
        out.append(Labelled(n, entry["labels"], row["question"], row["answer"], language, item))
    return ctx, out, skipped


def grade(ctx: Any, a: Labelled) -> Grade:
    return ctx.grader.grade(request_for_item(a.item, a.answer, a.language))


def point_rows(split: str) -> PointRows:
    """Grade every labelled answer of `split` and pair its points' features with the labels (through a grader of
    its own, whose point model records instead of judging)."""
    recorder = _Recorder()
    ctx, answers, skipped = labelled_answers(split, recorder)
    xs, labels, owners, groups = [], [], [], []
    for a in answers:
        recorder.features.clear()
        grade(ctx, a)
        # None recorded: graded 0 by rule (a non-answer), nothing judged per point
        xs.append(recorder.features[-1] if recorder.features else np.zeros((len(a.labels), len(POINT_FEATURES))))
        labels += [min(LABELS.index(p["label"]), 2) for p in a.labels]
        owners += [a.n] * len(a.labels)
        groups += [a.question] * len(a.labels)
    return PointRows(np.vstack(xs), np.asarray(labels), np.asarray(owners), np.asarray(groups), skipped)


def follow_up_targets(split: str = "dev") -> dict[str, dict[str, int]]:
    """For each labelled answer that would draw a follow-up (not complete, not off topic or a non-answer): the
    reviewers' label of the key point the follow-up asks about, under the interviewer's order (points touched
    on first: session/targets.py) and under an order by the point model's P(covered), lowest first."""
    from interviewer.grading.point_model import default_point_model
    from interviewer.session.targets import item_texts, targets

    model = default_point_model()
    recorder = _Recorder(model)  # judges as served, and keeps the features to read P(covered) from
    ctx, answers, _ = labelled_answers(split, recorder)
    out: dict[str, dict[str, int]] = {"interviewer's order": {}, "lowest P(covered) first": {}}
    for a in answers:
        recorder.features.clear()
        graded = grade(ctx, a)
        if graded.complete or {"non_answer", "off_topic"} & set(graded.flags) or not recorder.features:
            continue
        found = targets(a.item, graded, item_texts(a.item, a.language))
        if not found:
            continue
        covered = dict(zip((p.text for p in graded.points), model.covered.probability(recorder.features[-1]),
                           strict=True))
        labels = {p["point"]: p["label"] for p in a.labels}
        for name, target in (("interviewer's order", found[0]),
                             ("lowest P(covered) first", min(found, key=lambda t: covered.get(t.text, 0.0)))):
            label = labels.get(target.text, "?")
            out[name][label] = out[name].get(label, 0) + 1
    return out


def rule(x: np.ndarray) -> np.ndarray:
    """The old judgement: covered from Calibration.covered_at, touched on from partly_at; never a contradicted point."""
    strength = x[:, POINT_FEATURES.index("strength")]
    contradicted = x[:, POINT_FEATURES.index("contradicted")] > 0.5
    covered = (strength >= DEFAULT_CALIBRATION.covered_at) & ~contradicted
    partly = ~covered & (strength >= DEFAULT_CALIBRATION.partly_at)
    return np.where(covered, 0, np.where(partly, 1, 2))


def fit(x: np.ndarray, label: np.ndarray, c: float) -> dict[str, Any]:
    """The point model's spec: two standardised logistic regressions."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    spec: dict[str, Any] = {"features": list(POINT_FEATURES), "cut": 0.5}
    for name, target in (("covered", label == 0), ("touched", label <= 1)):
        model = LogisticRegression(C=c, max_iter=2000).fit(z, target)
        spec[name] = {"mean": mean.tolist(), "scale": scale.tolist(), "coef": model.coef_[0].tolist(),
                      "intercept": float(model.intercept_[0])}
    return spec


def predict(spec: dict[str, Any], x: np.ndarray) -> np.ndarray:
    judged = PointModel(spec).judge(x)
    return np.asarray([0 if c else 1 if p else 2 for c, p in judged])


def cross_validated(rows: PointRows, c: float) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    out = np.full(len(rows.label), -1)
    for train, held in GroupKFold(n_splits=FOLDS).split(rows.x, rows.label, rows.group):
        out[held] = predict(fit(rows.x[train], rows.label[train], c), rows.x[held])
    return out


def completeness(label: np.ndarray, answer: np.ndarray) -> np.ndarray:
    """Per answer: 10 x (covered + half the partly) / points, as the report's completeness criterion."""
    ids = np.unique(answer)
    return np.asarray([10.0 * ((label[answer == a] == 0).sum() + 0.5 * (label[answer == a] == 1).sum())
                       / (answer == a).sum() for a in ids])


def measures(pred: np.ndarray, rows: PointRows, n_boot: int = 1000) -> dict[str, Any]:
    """3-class accuracy (95% bootstrap CI over points), macro F1, covered precision / recall, and per answer the
    completeness agreement (Spearman, MAE)."""
    truth = rows.label
    f1s = []
    for k in range(len(CLASSES)):
        tp = float(((pred == k) & (truth == k)).sum())
        prec = tp / max((pred == k).sum(), 1)
        rec = tp / max((truth == k).sum(), 1)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    tp = float(((pred == 0) & (truth == 0)).sum())
    ours, theirs = completeness(pred, rows.answer), completeness(truth, rows.answer)
    accuracy = float((pred == truth).mean())
    lo, hi = bootstrap_ci(lambda a, b: float((a == b).mean()), pred, truth, n_boot=n_boot)
    return {
        "points": int(len(truth)), "answers": int(len(ours)), "accuracy": round(accuracy, 3),
        "accuracy_ci": [round(lo, 3), round(hi, 3)], "macro_f1": round(float(np.mean(f1s)), 3),
        "f1": dict(zip(CLASSES, (round(f, 3) for f in f1s), strict=True)),
        "covered_precision": round(tp / max((pred == 0).sum(), 1), 3),
        "covered_recall": round(tp / max((truth == 0).sum(), 1), 3),
        "completeness_spearman": round(spearman(ours, theirs), 3),
        "completeness_mae": round(mae(ours, theirs), 2),
        "predicted": {k: int((pred == i).sum()) for i, k in enumerate(CLASSES)},
        "labelled": {k: int((truth == i).sum()) for i, k in enumerate(CLASSES)},
    }


def _table(rows: dict[str, dict[str, Any]]) -> list[str]:
    out = ["| judgement | points | accuracy (95% CI) | macro F1 | covered P / R | completeness Spearman / MAE |",
           "|---|---|---|---|---|---|"]
    for name, m in rows.items():
        out.append(f"| {name} | {m['points']} | {m['accuracy']} ({m['accuracy_ci'][0]}-{m['accuracy_ci'][1]}) | "
                   f"{m['macro_f1']} | {m['covered_precision']} / {m['covered_recall']} | "
                   f"{m['completeness_spearman']} / {m['completeness_mae']} |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.training.points", description=__doc__.splitlines()[0])
    ap.add_argument("--test", action="store_true", help="measure the written model on the frozen test labels")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--followups", action="store_true",
                    help="on dev: what the reviewers say of the key point a follow-up asks about (nothing written)")
    args = ap.parse_args(argv)
    if args.followups:
        for name, counts in follow_up_targets("dev").items():
            n = sum(counts.values())
            print(f"{name}: {n} follow-ups; the point asked about is, to the reviewers, "
                  + ", ".join(f"{k} {v} ({v / n:.0%})" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
        return 0
    report_path = RESULTS / "point-model.json"
    if args.test:
        rows = point_rows("test")
        spec = json.loads(args.out.read_text(encoding="utf-8"))
        result = {"model": measures(predict(spec, rows.x), rows), "old rule": measures(rule(rows.x), rows)}
        print(json.dumps(result, ensure_ascii=False, indent=1))
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
        report["test"] = {**result, "skipped": rows.skipped}
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        _write_markdown(report)
        return 0
    rows = point_rows("dev")
    tried = {"old rule (fixed strengths)": measures(rule(rows.x), rows)}
    for c in C_GRID:
        tried[f"logistic C={c}"] = measures(cross_validated(rows, c), rows)
    best = max(C_GRID, key=lambda c: tried[f"logistic C={c}"]["macro_f1"])
    spec = fit(rows.x, rows.label, best)
    args.out.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    weights = {name: {f: round(w, 3) for f, w in zip(POINT_FEATURES, spec[name]["coef"], strict=True)}
               for name in ("covered", "touched")}
    report = {"dev": {"cross_validated": tried, "chosen_c": best, "skipped": rows.skipped}, "weights": weights}
    if report_path.exists():  # keep the last test measurement, marked as measured on an earlier model
        old = json.loads(report_path.read_text(encoding="utf-8")).get("test")
        if old:
            report["test"] = {**old, "stale": True}
    report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _write_markdown(report)
    print("\n".join(_table(tried)))
    print(f"chosen: logistic C={best}; written {args.out}")
    return 0


def _write_markdown(report: dict[str, Any]) -> None:
    dev = report["dev"]
    lines = ["# Which key points an answer covers: point model report", "",
             "Written by `python -m evals.training.points` (see its docstring). Labels: covered / partly / missed "
             "(contradicted counts as missed) per key point, by reviewers (evals/training/point_labels/).", "",
             f"## Dev, cross-validated by question ({FOLDS} folds); chosen: logistic C={dev['chosen_c']}", "",
             *_table(dev["cross_validated"]), "",
             f"Labelled answers left out because their item's key points changed since labelling: {dev['skipped']}.",
             "", "## Weights (standardised features)", "", "| feature | covered | touched on |", "|---|---|---|",
             *(f"| {f} | {report['weights']['covered'][f]} | {report['weights']['touched'][f]} |"
               for f in POINT_FEATURES)]
    if "test" in report:
        test = report["test"]
        lines += ["", "## Frozen test labels" + (" (measured on an earlier model: rerun with --test)"
                                                  if test.get("stale") else ""), "",
                  *_table({"model": test["model"], "old rule": test["old rule"]})]
    (RESULTS / "point-model.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
