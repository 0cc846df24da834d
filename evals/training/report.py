"""The training report of the learned scorer: evals/results/grader-training.{json,md}."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import numpy as np

from evals.training import move_on
from evals.training.data import OWN_EN, REAL_SOURCES, REPO, Row, pooled_sources
from interviewer.grading.features import FEATURES

OUT = REPO / "evals" / "results"


def importances(model: Any, candidate: Any, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Linear: standardised weights. Trees: permutation importance (drop in R^2) on the real rows."""
    if candidate.kind == "linear":
        return {n: round(float(w), 3) for n, w in zip(FEATURES, model[-1].coef_, strict=True)}
    from sklearn.inspection import permutation_importance

    result = permutation_importance(model, x, y, n_repeats=3, random_state=0)
    return {n: round(float(v), 4) for n, v in zip(FEATURES, result.importances_mean, strict=True)}


def kind_means(rows: list[Row], pred: np.ndarray, y: np.ndarray, source: str = "own") -> dict[str, dict[str, float]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        if row.source == source:
            groups[row.kind or "(none)"].append(n)
    return {k: {"n": len(ix), "human": round(float(y[ix].mean()), 2), "cv_predicted": round(float(pred[ix].mean()), 2)}
            for k, ix in sorted(groups.items())}


def write_report(rows: list[Row], x: np.ndarray, y: np.ndarray, sources: np.ndarray, gradeable: np.ndarray,
                 fit_mask: np.ndarray, recipes: list[dict], best: dict, model: Any, candidate: Any) -> None:
    sizes = {}
    for source in dict.fromkeys(sources.tolist()):
        mask = sources == source
        sizes[source] = {"answers": int(mask.sum()), "graded_by_scorer": int((mask & gradeable).sum()),
                         "questions": len({r.group for r, m in zip(rows, mask, strict=True) if m})}
    real = pooled_sources(sources) & gradeable
    report = {
        "written": datetime.now(UTC).isoformat(timespec="seconds"),
        "chosen": {"candidate": candidate.name, "synthetic": best["synthetic"], "balanced": best["balanced"]},
        "sizes": sizes,
        "fitted_rows": int(fit_mask.sum()),
        "cv": best["metrics"],
        "cv_uncalibrated": {s: {k: m[k] for k in ("pearson", "spearman", "mae")} for s, m in best["raw_metrics"].items()},
        "recipes": [{"candidate": r["candidate"].name, "synthetic": r["synthetic"], "balanced": r["balanced"],
                     "selection": round(r["selection"], 4),
                     "selection_splits": r.get("selection_splits"),
                     "own_staged": {k: r["staged_own"][k] for k in ("pearson", "spearman")} if r.get("staged_own") else None,
                     "cv": {s: {k: m[k] for k in ("pearson", "spearman", "mae")} for s, m in r["metrics"].items()}}
                    for r in recipes],
        "bank_stage": best.get("stages", []),
        "equating": best.get("equating", {}),
        "own_kinds_cv": kind_means(rows, best["pred"], y),
        "own_en_kinds_cv": kind_means(rows, best["pred"], y, OWN_EN),
        "decision": best.get("decision", {}),
        "move_on": best.get("move_on", {}),
        "off_topic": best.get("off_topic", {}),
        "split_sensitivity": best.get("split_sensitivity", {}),
        "selection_near": best.get("selection_near"),
        "importance": importances(model, candidate, x[real], y[real]),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "grader-training.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (OUT / "grader-training.md").write_text(markdown(report), encoding="utf-8")


def markdown(r: dict[str, Any]) -> str:
    c = r["chosen"]
    lines = [
        "# Learned scorer: training report", "",
        f"Written by `make train-grader` on {r['written']}. Chosen: **{c['candidate']}**, synthetic variants "
        f"{'used' if c['synthetic'] else 'not used'}, {'each source weighted equally' if c['balanced'] else 'rows weighted equally'}"
        f"; refitted on {r['fitted_rows']} answers.", "",
        "## Data", "", "| source | answers | graded by the scorer | questions |", "|---|---|---|---|",
        *[f"| {s} | {v['answers']} | {v['graded_by_scorer']} | {v['questions']} |" for s, v in r["sizes"].items()], "",
        "## Cross-validation by question (5 folds), the chosen recipe, calibrated", "",
        "Calibration maps cross-fitted too (fitted on the other folds' questions). Before calibration: "
        + "; ".join(f"{s} r={m['pearson']:.3f} rho={m['spearman']:.3f} MAE {m['mae']:.2f}" for s, m in r["cv_uncalibrated"].items())
        + ".", "",
        "| source | n | Pearson (95% CI) | Spearman (95% CI) | QWK | MAE |", "|---|---|---|---|---|---|",
        *[f"| {s} | {m['n']} | {m['pearson']:.3f} ({m['pearson_ci'][0]:.2f}-{m['pearson_ci'][1]:.2f}) | "
          f"{m['spearman']:.3f} ({m['spearman_ci'][0]:.2f}-{m['spearman_ci'][1]:.2f}) | {m['qwk']:.3f} | {m['mae']:.2f} |"
          for s, m in r["cv"].items()], "",
        "## The same recipe over other splits by question (teachers' references: the pooled scorer as served)", "",
        "One split by question is one draw: ADS has 15 questions, 3 per fold, and which questions share a fold moves "
        "its figure by a few hundredths. Mean (min-max) over shuffled splits, seeds "
        f"{r['split_sensitivity'].get('seeds')}:", "",
        "| source | Pearson | Spearman |", "|---|---|---|",
        *[f"| {s} | {m['pearson']['mean']:.3f} ({m['pearson']['min']:.3f}-{m['pearson']['max']:.3f}) | "
          f"{m['spearman']['mean']:.3f} ({m['spearman']['min']:.3f}-{m['spearman']['max']:.3f}) |"
          for s, m in r["split_sensitivity"].items() if s != "seeds"], "",
        "## Every recipe tried (CV Pearson / Spearman per source; selection = mean of both over ads, le, own and "
        "en (en-zh is reported, not selected on), own "
        "through the first bank stage)", "",
        *([f"The recipes within {r['selection_near']} of the best selection on the fixed split are judged again over "
           "the shuffled splits above; the best mean over all their splits (fixed one included) wins (`splits`: "
           "mean, min-max).", ""] if r.get("selection_near") else []),
        "| candidate | synthetic | balanced | selection | splits | " + " | ".join(REAL_SOURCES) + " | own, staged |",
        "|---|---|---|---|---|" + "---|" * (len(REAL_SOURCES) + 1),
        *[f"| {x['candidate']} | {x['synthetic']} | {x['balanced']} | {x['selection']:.3f} | "
          + (f"{x['selection_splits']['mean']:.3f} ({x['selection_splits']['min']:.3f}-{x['selection_splits']['max']:.3f}) | "
             if x.get("selection_splits") else "- | ")
          + " | ".join(f"{x['cv'][s]['pearson']:.3f} / {x['cv'][s]['spearman']:.3f}" if s in x["cv"] else "-"
                       for s in REAL_SOURCES)
          + (f" | {x['own_staged']['pearson']:.3f} / {x['own_staged']['spearman']:.3f} |" if x.get("own_staged") else " | - |")
          for x in r["recipes"]], "",
        "## Answers to bank items: linear map or a stacked stage (evals/training/bank_stage.py)", "",
        "Cross-validated by question on our dev answers, nested in the same folds; the best mean of Pearson and "
        f"Spearman is used (**{max(r['bank_stage'], key=lambda o: o['selection'])['name'] if r['bank_stage'] else 'linear map'}**).", "",
        f"The English translations of the same answers ({OWN_EN}) train the stages and are shown, not selected on.", "",
        f"| option | Pearson | Spearman | MAE | {OWN_EN} Pearson / Spearman |", "|---|---|---|---|---|",
        *[f"| {o['name']} | {o['pearson']:.3f} | {o['spearman']:.3f} | {o['mae']:.2f} | "
          + (f"{o[OWN_EN]['pearson']:.3f} / {o[OWN_EN]['spearman']:.3f} |" if OWN_EN in o else "- |")
          for o in r["bank_stage"]], "",
        *equating_lines(r.get("equating") or {}),
        "## When the interviewer moves on (learned on our labelled dev answers, out-of-fold predictions)", "",
        f"An offline grade of at least **{r['decision'].get('move_on_at')}** is complete enough to move on: it "
        f"tells answers a human scored {r['decision'].get('complete_at_human')}+ from the rest with balanced accuracy "
        f"{r['decision'].get('balanced_accuracy')} ({r['decision'].get('complete_moved_on')} of complete answers move on, "
        f"{r['decision'].get('incomplete_followed_up')} of the others get a follow-up; n = {r['decision'].get('n')}).", "",
        *move_on_lines(r.get("move_on") or {}),
        f"## Off topic (answers to bank questions; cross-validated by question; figures on dev and {OWN_EN})", "",
        f"Model: **{r['off_topic'].get('model')}**, the highest out-of-fold average precision of "
        + ", ".join(f"{k} {v}" for k, v in r["off_topic"].get("average_precision", {}).items()) + ". "
        f"Flagged from a probability of {r['off_topic'].get('cut')} with a score of at most "
        f"{r['off_topic'].get('score_cut')} (the lowest cut, in steps of {r['off_topic'].get('cut_step')}, at which the "
        f"precision of what is flagged reaches {r['off_topic'].get('target_precision')}); a flagged answer scores 0, so "
        "the figures above and the table below count it as 0. "
        f"Precision {r['off_topic'].get('precision')}, recall {r['off_topic'].get('recall')}, false positives "
        f"{r['off_topic'].get('false_positive_rate')} of on-topic answers; flagged per kind: "
        + ", ".join(f"{k} {v}" for k, v in r["off_topic"].get("flagged_by_kind", {}).items()) + ".", "",
        *classifier_only_lines(r["off_topic"]),
        "## Our labelled dev answers by kind (out-of-fold predictions)", "",
        "| kind | n | human | CV predicted |", "|---|---|---|---|",
        *[f"| {k} | {v['n']} | {v['human']} | {v['cv_predicted']} |" for k, v in r["own_kinds_cv"].items()], "",
        f"The same, translated to English ({OWN_EN}):", "",
        "| kind | n | human | CV predicted |", "|---|---|---|---|",
        *[f"| {k} | {v['n']} | {v['human']} | {v['cv_predicted']} |" for k, v in r.get("own_en_kinds_cv", {}).items()], "",
        "## Feature importance (linear: standardised weight; trees: permutation drop in R², real rows)", "",
        "| feature | importance |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in sorted(r["importance"].items(), key=lambda kv: -abs(kv[1]))], "",
    ]
    return "\n".join(lines)


def classifier_only_lines(o: dict[str, Any]) -> list[str]:
    """The off-topic classifier with and without the classifier-only rounds, and which one the keep rule exported."""
    if "classifier_only" not in o:
        return []
    c = o["classifier_only"]

    def side(name: str) -> str:
        f = c[name]
        return (f"{name}: {f['model']}, average precision {f['average_precision']}, cut {f['cut']}; reviewed answers "
                f"precision {f['reviewed']['precision']}, recall {f['reviewed']['recall']}, false positives "
                f"{f['reviewed']['false_positive_rate']}; the rounds' answers recall {f['classifier_only']['recall']}, "
                f"good ones flagged {f['classifier_only']['false_positive_rate']} ("
                + ", ".join(f"{k} {v}" for k, v in c["flagged_by_kind"][name].items()) + f"); recall over all {f['all']['recall']}")

    return [f"The classifier-only rounds (evals/training/misses, {c['with']['classifier_only']['n']} answers with their "
            f"translations) were **{'kept' if c['kept'] else 'not kept'}** for training by the keep rule (with them, the "
            f"reviewed answers' average precision falls by at most {c['keep_margin']}, their recall does not fall, and "
            "the recall over all answers rises; out of fold either way):", "",
            f"* {side('with')}", f"* {side('without')}", ""]


def move_on_lines(m: dict[str, Any]) -> list[str]:
    """The learned move-on decision (evals/training/move_on.py) against the score's cut, per source."""
    if "by_source" not in m:
        return []
    lines = [f"For answers to bank questions a classifier (**{m['model']}** over the calibrated score and every "
             f"feature; P(reviewer's score >= {m['complete_at_human']}) >= {m['cut']}) decides instead: "
             f"**{'kept' if m['chosen'] else 'not kept'}** (kept when its cost-weighted error on our answers is no "
             "higher than the cut's: each answer weighs its distance from the line). Out of fold, by question:", "",
             *move_on.table(m["by_source"])]
    return [*lines, ""]


def equating_lines(e: dict[str, Any]) -> list[str]:
    """The equating paragraph (bank_stage.Equating): kept or not, and what it did to our dev answers."""
    if "map" not in e:
        return []
    m = e["map"]
    splits = (f" on average over {e['splits']} splits by question: {e['mae_change_mean']:+.4f} (per split "
              f"{', '.join(f'{c:+.4f}' for c in e['mae_change_per_split'])}), QWK {e['qwk_change_mean']:+.4f}"
              if e.get("splits", 1) > 1 else "")
    return [f"Equating (the stage's scores onto the reviewers' mean and spread, score -> {m['mean_out']:.2f} + "
            f"{m['scale']:.3f} x (score - {m['mean_in']:.2f})): **{'kept' if e['chosen'] else 'dropped'}** "
            f"(kept when it does not raise the MAE{splits}); own dev, out of fold, map fitted on the other folds, "
            f"fixed split: MAE {e['mae_before']:.3f} -> {e['mae_after']:.3f}, QWK {e['qwk_before']:.3f} -> "
            f"{e['qwk_after']:.3f}, Pearson {e['pearson_before']:.3f} -> {e['pearson_after']:.3f}.", ""]
