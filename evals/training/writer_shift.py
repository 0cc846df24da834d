"""How the interview scorer holds on answers written by other people: cross-validation by writing round.

`make train-grader` cross-validates by question, but every fold's answers come from the same writing rounds as
the answers it learns from: the same helper sessions, briefs and house style. A candidate is none of those.
Here each writing round of our dev answers (evals/labelled/README.md: the first 100, h0-h6, more, more2, thin;
data.writing_round) is held out in turn, with its English translations, and nothing that scores it saw that
round or any question it answers:

* the pooled scorer (the chosen recipe of the training report) is refitted without them;
* the bank stage (the served one) learns from the other rounds' answers to the other questions, on their
  out-of-fold pooled scores (from the usual question folds: those pooled models did see the held round's
  answers to *other* questions; a nested refit per round would cost ten more cross-validations);
* the equating map is fitted on those rows' question-fold stage scores (the same caveat, for three numbers).

Shown beside it, on the same answers: the served path cross-validated by question (the training report's
figure) and, without a stage, the pooled scorer through a least-squares line (calibrate.fit_map). Every
figure is on our Chinese dev answers (`own`), as served (the rules' caps; non-answers 0), with a bootstrap 95% interval
for the whole set; the per-round figures have a few dozen to 225 answers each.

    python -m evals.training.writer_shift    # ~5 min; writes evals/results/writer-shift.{json,md}
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import bootstrap_ci, pearson, summarize
from evals.training import bank_stage, move_on
from evals.training.calibrate import fit_map
from evals.training.data import INTERVIEW_SOURCES, REPO, SCORER_SOURCES, cv_groups, load_rows
from evals.training.models import CANDIDATES, Candidate
from evals.training.train import (
    COMPLETE,
    FOLDS,
    cached_features,
    fit_rows_of,
    fit_weight_name,
    move_on_threshold,
    pooled_out_of_fold,
    sample_weights,
)
from interviewer.grading.features import FEATURES
from interviewer.grading.scorer import MODEL_PATH

RESULTS = REPO / "evals" / "results"
REPORT = RESULTS / "grader-training.json"


@dataclass(frozen=True)
class Served:
    """What `make train-grader` chose: the pooled recipe, the bank stage and whether it is equated."""

    candidate: Candidate
    synthetic: bool
    balanced: bool
    stage: bank_stage.Stage
    equated: bool

    @property
    def recipe(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "synthetic": self.synthetic, "balanced": self.balanced}


def served_choice(report: Path = REPORT, model: Path = MODEL_PATH) -> Served:
    chosen = json.loads(report.read_text(encoding="utf-8"))["chosen"]
    spec = json.loads(model.read_text(encoding="utf-8"))
    stage_name = (spec.get("bank_stage") or {}).get("candidate")
    stages = {s.name: s for s in bank_stage.STAGES}
    candidates = {c.name: c for c in CANDIDATES}
    if chosen["candidate"] not in candidates or stage_name not in stages:
        raise SystemExit(f"the committed model ({chosen['candidate']!r}, stage {stage_name!r}) is not one this code "
                         "can refit: run `make train-grader`")
    return Served(candidates[chosen["candidate"]], bool(chosen["synthetic"]), bool(chosen["balanced"]),
                  stages[stage_name], "equating" in spec["bank_stage"])


def held_out(writers: np.ndarray, groups: np.ndarray, writer: str) -> tuple[np.ndarray, np.ndarray]:
    """(the round's answers, every row that may not train while they are scored: the round's, and every row
    on a question the round answers: other rounds' answers, translations, padded copies, synthetic variants)."""
    held = writers == writer
    return held, held | np.isin(groups, np.unique(groups[held]))


def round_out(served: Served, x: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray,
              writers: np.ndarray, gradeable: np.ndarray, pooled_oof: np.ndarray, stage_oof: np.ndarray,
              learn_from: int | None = None, seed: int = 0) -> dict[str, np.ndarray]:
    """Scores of every interview answer with its writing round held out: through the served path ("stage")
    and through the pooled scorer and a line ("no stage"); NaN elsewhere. `learn_from`: only that many of the
    other rounds (drawn per held round, seeded) teach it, the others are left out too (the learning curve over
    writers); a round left with nothing to learn from stays NaN."""
    pooled_x = x[:, : len(FEATURES)]
    interview = np.isin(sources, INTERVIEW_SOURCES) & gradeable
    fit_rows = fit_rows_of(served.recipe, sources, gradeable)
    weights = sample_weights(sources, served.balanced)
    stage_rows = bank_stage.stage_rows(groups, sources, gradeable)
    rounds = sorted(set(writers[interview]) - {""})
    rng = np.random.default_rng(seed)
    out = {"stage": np.full(len(y), np.nan), "no stage": np.full(len(y), np.nan)}
    for writer in rounds:
        held, excluded = held_out(writers, groups, writer)
        held &= interview
        if learn_from is not None:
            others = [r for r in rounds if r != writer]
            kept = set(rng.choice(others, size=min(learn_from, len(others)), replace=False).tolist())
            excluded |= np.isin(writers, [r for r in others if r not in kept])
        known = interview & ~excluded
        if not (stage_rows & ~excluded).any() or not known.any():
            print(f"round {writer}: nothing left to learn from; skipped", file=sys.stderr)
            continue
        pooled_model = served.candidate.build()
        train = fit_rows & ~excluded
        pooled_model.fit(pooled_x[train], y[train], **{fit_weight_name(served.candidate): weights[train]})
        pooled = np.clip(pooled_model.predict(pooled_x[held]), 0, 10)
        stage = bank_stage.fit(served.stage, x, y, pooled_oof, sources, stage_rows & ~excluded, groups)
        staged = np.clip(stage.predict(bank_stage.stacked(x[held], pooled)), 0, 10)
        if served.equated:
            staged = bank_stage.equating(stage_oof[known], y[known]).apply(staged)
        out["stage"][held] = staged
        line = fit_map(pooled_oof[known], y[known])
        out["no stage"][held] = np.interp(pooled, line["x"], line["y"])
        print(f"round {writer}: {int(held.sum())} answers", file=sys.stderr)
    return out


def decisions_round_out(by_question: np.ndarray, shifted: np.ndarray, x: np.ndarray, y: np.ndarray,
                        kinds: np.ndarray, sources: np.ndarray, groups: np.ndarray, writers: np.ndarray,
                        gradeable: np.ndarray) -> dict[str, Any]:
    """The move-on decision with each writing round held out, per interview source: the score's cut and the
    learned classifier (move_on.py), each learnt from the other rounds' answers to other questions (their
    question-fold served scores) and applied to the held round's round-out scores (`shifted`)."""
    interview = np.isin(sources, INTERVIEW_SOURCES) & gradeable
    own = (sources == "own") & gradeable
    moved = {"score's cut": np.zeros(len(y), dtype=bool), "learned": np.zeros(len(y), dtype=bool)}
    scored = np.zeros(len(y), dtype=bool)
    for writer in sorted(set(writers[interview]) - {""}):
        held, excluded = held_out(writers, groups, writer)
        held &= interview & np.isfinite(shifted)
        train = interview & ~excluded
        if not held.any() or not train.any():
            continue
        cut, _ = move_on_threshold(by_question[train & own], y[train & own])
        moved["score's cut"][held] = shifted[held] >= cut
        model = move_on.fit(by_question[train], x[train], y[train], COMPLETE)
        moved["learned"][held] = move_on.probability(model, shifted[held], x[held]) >= move_on.CUT
        scored |= held
    return {source: {name: move_on.decision_figures(m[at], y[at], kinds[at], COMPLETE) for name, m in moved.items()}
            for source in INTERVIEW_SOURCES if (at := scored & (sources == source)).any()}


def figures(pred: np.ndarray, y: np.ndarray, rows: np.ndarray, writers: np.ndarray) -> dict[str, Any]:
    whole = summarize(pred[rows], y[rows])
    low, high = bootstrap_ci(pearson, pred[rows], y[rows])
    out: dict[str, Any] = {"all": {**_rounded(whole), "pearson_ci": [round(low, 3), round(high, 3)]}}
    for writer in sorted(set(writers[rows])):
        out[writer] = _rounded(summarize(pred[rows & (writers == writer)], y[rows & (writers == writer)]))
    return out


def _rounded(metrics: dict[str, float]) -> dict[str, Any]:
    return {k: int(v) if k == "n" else round(float(v), 4) for k, v in metrics.items()}


def write_report(result: dict[str, Any], out_dir: Path) -> None:
    (out_dir / "writer-shift.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths = list(result["paths"])
    rounds = [w for w in result["paths"][paths[0]] if w != "all"]
    lines = [
        "# The interview scorer on answers written by other people (cross-validation by writing round)",
        "",
        f"Written by `python -m evals.training.writer_shift` on {result['written']}, for the committed model: "
        f"{result['served']}. How it is computed: the module's docstring. Our Chinese dev answers, as served "
        "(the rules' caps; non-answers 0). Pearson / Spearman / MAE; each round's column header gives its answers.",
        "",
        "| path | all (Pearson 95% CI) | " + " | ".join(f"{w} ({result['paths'][paths[0]][w]['n']})" for w in rounds) + " |",
        "|---|---|" + "---|" * len(rounds),
    ]
    for path in paths:
        f = result["paths"][path]
        a = f["all"]
        lines.append(f"| {path} | {a['pearson']:.3f} / {a['spearman']:.3f} / {a['mae']:.2f} "
                     f"({a['pearson_ci'][0]:.2f}-{a['pearson_ci'][1]:.2f}) | "
                     + " | ".join(f"{f[w]['pearson']:.2f} / {f[w]['spearman']:.2f} / {f[w]['mae']:.1f}" for w in rounds)
                     + " |")
    if result.get("decisions"):
        lines += ["", "## The move-on decision with a writing round held out", "",
                  "The score's cut and the learned classifier (evals/training/move_on.py), each learnt from the other "
                  "rounds' answers to other questions and applied to the held round's scores above.", "",
                  *move_on.table(result["decisions"])]
    if result.get("learning_curve"):
        lines += ["", "## Learning curve over writers", "",
                  "Each round held out as above, but taught by only K of the other rounds (drawn per held round, seed 0; "
                  "the rounds left out are left out of training too). The served path.", "",
                  "| K other rounds | answers scored | Pearson (95% CI) | Spearman | MAE |", "|---|---|---|---|---|"]
        for k, a in sorted(result["learning_curve"].items(), key=lambda kv: int(kv[0])):
            lines.append(f"| {k} | {a['n']} | {a['pearson']:.3f} ({a['pearson_ci'][0]:.2f}-{a['pearson_ci'][1]:.2f}) "
                         f"| {a['spearman']:.3f} | {a['mae']:.2f} |")
    (out_dir / "writer-shift.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.training.writer_shift", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for writer-shift.{json,md}")
    ap.add_argument("--learn-from", type=int, nargs="*", default=[], metavar="K",
                    help="also the learning curve: each round taught by only K other rounds (~5 min each)")
    args = ap.parse_args(argv)
    served = served_choice()
    rows = load_rows(SCORER_SOURCES)  # the scorer's data: what a writing round held out measures
    x, gradeable, caps = cached_features(rows)
    y = np.asarray([r.score for r in rows])
    sources = np.asarray([r.source for r in rows])
    groups = cv_groups(rows)
    writers = np.asarray([r.writer for r in rows])
    pooled_oof = pooled_out_of_fold(served.recipe, x, y, groups, sources, gradeable)
    stage_oof = bank_stage.cross_validated(served.stage, x, y, pooled_oof, sources, groups, gradeable, FOLDS)
    interview = np.isin(sources, INTERVIEW_SOURCES) & gradeable
    by_question = (bank_stage.cross_equated(stage_oof, y, interview, groups, FOLDS) if served.equated else stage_oof)
    shifted = round_out(served, x, y, groups, sources, writers, gradeable, pooled_oof, stage_oof)
    kinds = np.asarray([r.kind for r in rows])
    decisions = decisions_round_out(np.minimum(by_question, caps), np.where(gradeable, np.minimum(shifted["stage"], caps), 0.0),
                                    x, y, kinds, sources, groups, writers, gradeable)
    own = sources == "own"  # with the answers the rules score (non-answers: 0), as the training report counts them
    paths = {"served, folds by question (the training report's)": by_question,
             "served, writing round held out": shifted["stage"],
             "no stage (pooled + line), writing round held out": shifted["no stage"]}
    measured = {name: figures(np.where(gradeable, np.minimum(pred, caps), 0.0), y, own, writers)
                for name, pred in paths.items()}
    curve = {}
    for k in args.learn_from:
        fewer = round_out(served, x, y, groups, sources, writers, gradeable, pooled_oof, stage_oof, learn_from=k)
        scored = own & (np.isfinite(fewer["stage"]) | ~gradeable)
        curve[str(k)] = figures(np.where(gradeable, np.minimum(fewer["stage"], caps), 0.0), y, scored, writers)["all"]
    if args.learn_from:
        curve[str(len(set(writers[own])) - 1)] = measured["served, writing round held out"]["all"]
    result: dict[str, Any] = {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "served": f"{served.candidate.name} (synthetic={served.synthetic}, balanced={served.balanced}), "
                  f"{served.stage.name}{', equated' if served.equated else ''}",
        "paths": measured,
        "decisions": decisions,
        "learning_curve": curve,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    write_report(result, args.out)
    for name, f in measured.items():
        print(f"{name}: Pearson {f['all']['pearson']:.3f} Spearman {f['all']['spearman']:.3f} MAE {f['all']['mae']:.2f}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
