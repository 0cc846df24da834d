"""Train the offline grader's learned scorer: `make train-grader` (python -m evals.training.train).

1. Every training answer (evals/training/data.py) is featurised through the production grader.
2. Each candidate map (evals/training/models.py) x each training recipe (real sources only, or with the
   synthetic variants; rows weighted equally, or each source weighted equally) is cross-validated with
   folds by question (GroupKFold, 5): no question is ever in both the fitting and the scoring part.
3. The recipe with the best mean of Pearson and Spearman over the real sources (ads, le, own, en) wins (own
   judged through the first bank stage on top of the recipe's out-of-fold scores, as it will be served;
   the recipes near the best on the fixed split are judged again over shuffled splits and the best mean
   over all of them wins: `steadier_selection`); it
   is refitted on all its training rows and written to interviewer/grading/scorer_model.json, with one
   isotonic map per use (bank item / given reference) fitted on its out-of-fold predictions
   (evals/training/calibrate.py); for answers to bank items, a stacked second stage learned on our dev answers
   (evals/training/bank_stage.py) replaces that map when nested cross-validation on dev says it is better;
   the move-on threshold is learned on the resulting out-of-fold scores; the off-topic classifier
   (evals/training/off_topic.py) on our answers and the classifier-only rounds (data.CLASSIFIER_ONLY), each
   scored out of fold as served.
4. A report (sizes, CV figures per source with 95% bootstrap intervals, every recipe's CV, per-kind
   means, feature importances) goes to evals/results/grader-training.{json,md}.
Non-answers are graded 0 by rule in the product, so they are left out of fitting and scored 0 in the CV
figures, and every figure holds the scores under the rules' caps (OfflineGrader.cap: an opposite true/false
verdict, a hedge, a term list in an interview), exactly as the product would. The frozen test split (evals/labelled/test.jsonl) is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from evals.metrics import bootstrap_ci, summarize
from evals.training import bank_stage
from evals.training.calibrate import cross_fitted, fit_maps
from evals.training.data import (
    BANK_SOURCES,
    CROSS,
    GIVEN_REFERENCE_SOURCES,
    INTERVIEW_SOURCES,
    OWN_EN,
    REAL_SOURCES,
    REPO,
    Row,
    cv_groups,
    featurize,
    load_rows,
    pooled_sources,
)
from evals.training.models import CANDIDATES, Candidate, export
from evals.training.move_on import train_move_on
from evals.training.off_topic import train_off_topic
from evals.training.report import write_report
from interviewer.grading.calibration import DEFAULT_CALIBRATION
from interviewer.grading.features import ALL_FEATURES, FEATURES
from interviewer.grading.scorer import DEFAULT_MOVE_ON_AT, MODEL_PATH, Scorer

CACHE = REPO / ".interviewer" / "cache" / "train-features.npz"
GRADING_SOURCES = ("features.py", "domain.py", "offline.py", "points.py", "background.py", "lexical.py", "guards.py", "truth.py", "truth_cues.py",
                   "truth_pairs.py", "truth_structure.py", "acronyms.py", "calibration.py", "intent.py", "intent_patterns.py",
                   "data/english_frequency.tsv.gz")
# Outside interviewer/grading, what the features also depend on: the order of the grader's background rows.
INDEX_SOURCES = ("knowledge/index.py",)
FOLDS = 5
COMPLETE = 6.0  # a human score from which an answer needs no follow-up (good: 6.5-8, partial: 3-5.5)


def code_version() -> str:
    """Hash of the code that computes features: a change invalidates the feature cache."""
    h = hashlib.sha1(",".join(ALL_FEATURES).encode())
    paths = [REPO / "interviewer" / "grading" / name for name in GRADING_SOURCES] + [REPO / p for p in INDEX_SOURCES]
    for path in paths:
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def cached_features(rows: list[Row], use_cache: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, gradeable, caps) of every row: see data.featurize. A row's features depend on the row and the
    code alone, so with the same code only the rows the cache lacks are computed (a new data round: minutes, not
    the ~12-40 min of all ~9,000 rows)."""
    keys = np.asarray([hashlib.sha1(f"{r.source}\0{r.question}\0{r.answer}\0{r.reference}".encode()).hexdigest()
                       for r in rows])
    version = code_version()
    cached: dict[str, tuple[np.ndarray, bool, float]] = {}
    if use_cache and CACHE.is_file():
        data = np.load(CACHE)
        if str(data["version"]) == version and "caps" in data and data["x"].shape[1] == len(ALL_FEATURES):
            cached = {str(k): (v, bool(g), float(c))
                      for k, v, g, c in zip(data["keys"], data["x"], data["gradeable"], data["caps"], strict=True)}
    missing = [n for n, k in enumerate(keys) if k not in cached]
    if missing:
        if cached:
            print(f"features: {len(rows) - len(missing)} rows from the cache, computing {len(missing)}", file=sys.stderr)
        new_x, new_gradeable, new_caps = featurize([rows[n] for n in missing])
        for n, v, g, c in zip(missing, new_x, new_gradeable, new_caps, strict=True):
            cached[str(keys[n])] = (v, bool(g), float(c))
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        kept = list(cached)  # every row of this code version, asked for now or before (another tool's subset)
        np.savez(CACHE, version=version, keys=np.asarray(kept), x=np.asarray([cached[k][0] for k in kept]),
                 gradeable=np.asarray([cached[k][1] for k in kept]), caps=np.asarray([cached[k][2] for k in kept]))
    x, gradeable, caps = (np.asarray([cached[k][part] for k in keys]) for part in range(3))
    return x, gradeable, caps


def sample_weights(sources: np.ndarray, balanced: bool) -> np.ndarray:
    if not balanced:
        return np.ones(len(sources))
    names, counts = np.unique(sources, return_counts=True)
    per = {n: len(sources) / (len(names) * c) for n, c in zip(names, counts, strict=True)}
    if "padding" in per:
        per["padding"] *= 0.5  # copies of real answers: half a source's say
    return np.asarray([per[s] for s in sources])


def fit_weight_name(candidate: Candidate) -> str:
    return "ridge__sample_weight" if candidate.kind == "linear" else "sample_weight"


def cross_validate(candidate: Candidate, x: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray,
                   fit_mask: np.ndarray, balanced: bool, seed: int | None = None) -> np.ndarray:
    """Out-of-fold predictions for every row (folds by question); rows outside fit_mask never train.
    `seed`: a shuffled split by question (split_sensitivity) instead of the fixed, size-balanced one."""
    from sklearn.model_selection import GroupKFold

    pred = np.zeros(len(y))
    weights = sample_weights(sources, balanced)
    for train, held in GroupKFold(n_splits=FOLDS, shuffle=seed is not None, random_state=seed).split(x, y, groups):
        train = train[fit_mask[train]]
        model = candidate.build()
        model.fit(x[train], y[train], **{fit_weight_name(candidate): weights[train]})
        pred[held] = np.clip(model.predict(x[held]), 0, 10)
    return pred


SPLIT_SEEDS = range(5)  # shuffled splits by question for the split-sensitivity figures
GIVEN_REFERENCE = (*GIVEN_REFERENCE_SOURCES, CROSS)  # served by the pooled scorer alone (no stage, no map)


def split_pooled(recipe: dict[str, Any], x: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray,
                 gradeable: np.ndarray, caps: np.ndarray) -> list[np.ndarray]:
    """The recipe's pooled out-of-fold scores on each shuffled split of SPLIT_SEEDS, in that order: the ones
    `steadier_selection` kept (`split_preds`), else computed once and kept there."""
    if not recipe.get("split_preds"):
        recipe["split_preds"] = [judge_recipe(recipe, x, y, groups, sources, gradeable, caps, seed=seed)["pred"]
                                 for seed in SPLIT_SEEDS]
    return list(recipe["split_preds"])


def split_sensitivity(recipe: dict[str, Any], x: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray,
                      gradeable: np.ndarray, caps: np.ndarray) -> dict[str, Any]:
    """The chosen recipe's cross-validated Pearson / Spearman on the given-reference sources over several
    shuffled splits by question, as served. ADS has only 15 questions (3 per fold): one split's figure moved
    from 0.70 to 0.67 when translated rows joined the groups and changed which questions share a fold,
    with nothing else changed; the mean over splits is the steadier estimate."""
    preds = split_pooled(recipe, x, y, groups, sources, gradeable, caps)
    found: dict[str, dict[str, list[float]]] = {s: {"pearson": [], "spearman": []} for s in GIVEN_REFERENCE}
    for pred in preds:
        pred = np.minimum(pred, caps)  # as served: non-answers 0 (judge_recipe), the rules' caps
        for source in GIVEN_REFERENCE:
            mask = sources == source
            if mask.any():
                m = summarize(pred[mask], y[mask])
                found[source]["pearson"].append(float(m["pearson"]))
                found[source]["spearman"].append(float(m["spearman"]))
    return {s: {metric: {"mean": round(float(np.mean(v)), 4), "min": round(float(np.min(v)), 4),
                         "max": round(float(np.max(v)), 4)} for metric, v in found[s].items()}
            for s in GIVEN_REFERENCE if found[s]["pearson"]} | {"seeds": list(SPLIT_SEEDS)}


def source_metrics(pred: np.ndarray, y: np.ndarray, sources: np.ndarray, n_boot: int = 500) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for source in REAL_SOURCES:
        mask = sources == source
        if not mask.any():
            continue
        m: dict[str, Any] = {k: round(float(v), 4) for k, v in summarize(pred[mask], y[mask]).items()}
        for metric in ("pearson", "spearman") if n_boot else ():  # n_boot 0: no intervals
            from evals import metrics as mt

            lo, hi = bootstrap_ci(getattr(mt, metric), pred[mask], y[mask], n_boot=n_boot)
            m[f"{metric}_ci"] = [round(lo, 3), round(hi, 3)]
        out[source] = m
    return out


PLATEAU = 0.01  # cuts within this balanced accuracy of the best are as good as it


def move_on_threshold(pred: np.ndarray, human: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The score from which the interviewer moves on: among the cuts of out-of-fold predictions that tell
    complete answers (human >= COMPLETE) from the rest about as well as the best one (balanced accuracy
    within PLATEAU), the middle one. The curve is flat over a point or more of score, so "the best cut"
    alone jumped by up to a point between retrainings that changed nothing that matters (4.5 to 5.6)."""
    complete = human >= COMPLETE
    if not complete.any() or complete.all():
        return DEFAULT_MOVE_ON_AT, {"move_on_at": DEFAULT_MOVE_ON_AT, "n": int(len(pred))}
    cuts = np.round(np.arange(3.0, 9.01, 0.1), 1)
    accs = np.asarray([((pred >= c)[complete].mean() + (pred < c)[~complete].mean()) / 2 for c in cuts])
    near = cuts[accs >= accs.max() - PLATEAU]
    best_cut = round(float(np.median(near)), 1)
    best_acc = float(accs[int(np.argmin(np.abs(cuts - best_cut)))])
    moved = pred >= best_cut
    return best_cut, {"move_on_at": best_cut, "balanced_accuracy": round(best_acc, 3),
                      "best_balanced_accuracy": round(float(accs.max()), 3),
                      "plateau": [float(near.min()), float(near.max())],
                      "complete_moved_on": round(float(moved[complete].mean()), 3),
                      "incomplete_followed_up": round(float((~moved[~complete]).mean()), 3),
                      "complete_at_human": COMPLETE, "n": int(len(pred))}


def choose_bank_stage(x: np.ndarray, y: np.ndarray, oof_raw: np.ndarray, linear: np.ndarray, first: np.ndarray,
                      sources: np.ndarray, groups: np.ndarray, gradeable: np.ndarray, caps: np.ndarray,
                      quick: bool = False) -> tuple[bank_stage.Stage | None, np.ndarray, list[dict[str, Any]]]:
    """For answers to bank items: the linear map (`linear`, cross-fitted) or a stacked stage, whichever has the
    best cross-validated mean of Pearson and Spearman on our dev answers (`first`: the first stage's out-of-fold
    scores, already computed when the recipe was judged), each judged as served (under the rules' `caps`).
    Returns the choice (None: the linear map), its out-of-fold predictions (before the caps) and every option's
    figures."""
    own, english = sources == "own", sources == OWN_EN

    def figures(name: str, pred: np.ndarray) -> dict[str, Any]:
        m = summarize(pred[own], y[own])
        out = {"name": name, "pearson": round(float(m["pearson"]), 4), "spearman": round(float(m["spearman"]), 4),
               "mae": round(float(m["mae"]), 4), "selection": (m["pearson"] + m["spearman"]) / 2}
        if english.any():  # reported, not selected on: the translations follow their originals' choices
            e = summarize(pred[english], y[english])
            out[OWN_EN] = {"pearson": round(float(e["pearson"]), 4), "spearman": round(float(e["spearman"]), 4)}
        return out

    options: list[tuple[bank_stage.Stage | None, np.ndarray, dict[str, Any]]] = [
        (None, linear, figures("linear map", np.minimum(linear, caps)))]
    for n, stage in enumerate(bank_stage.STAGES[:1] if quick else bank_stage.STAGES):
        pred = first if n == 0 else bank_stage.cross_validated(stage, x, y, oof_raw, sources, groups, gradeable, FOLDS)
        options.append((stage, pred, figures(stage.name, np.minimum(pred, caps))))
        print(f"{stage.name:28s} own: r={options[-1][2]['pearson']:.3f} rho={options[-1][2]['spearman']:.3f}",
              file=sys.stderr)
    chosen, pred, _ = max(options, key=lambda o: float(o[2]["selection"]))
    return chosen, pred, [o[2] for o in options]


def choose_equating(stage: bank_stage.Stage | None, served: np.ndarray, split_pooled_scores: list[np.ndarray],
                    x: np.ndarray, y: np.ndarray, sources: np.ndarray, groups: np.ndarray, gradeable: np.ndarray,
                    interview: np.ndarray, answers: np.ndarray, caps: np.ndarray
                    ) -> tuple[bank_stage.Equating | None, np.ndarray, dict[str, Any]]:
    """Whether the chosen stage's scores are equated onto the reviewers' spread (bank_stage.Equating): yes when
    the equated out-of-fold scores (the map fitted on the other folds) have no higher MAE on our dev answers, as
    served, **on average over the fixed split and the shuffled ones** (SPLIT_SEEDS; `served` is the stage's
    scores on the fixed split, `split_pooled_scores` the pooled scores each shuffled split's stage is stacked
    on; `answers`: every answer to a bank question the product scores, equated as served, of which only the
    `interview` ones fit the map). On the fixed split alone the rule flipped kept / dropped / kept / kept / dropped over five retrains on
    MAE differences of about 0.003, smaller than one split's draw (the eleventh session's last retrain: fixed
    split +0.0026, the five shuffled ones +0.0009 to -0.0127, mean -0.0017). Returns the map kept (fitted on
    every interview answer's fixed-split out-of-fold score) or None, the fixed split's out-of-fold scores that go
    with that choice, and the report."""
    if stage is None:
        return None, served, {"chosen": False, "why": "no stage"}
    own = sources == "own"
    splits: list[tuple[int | None, np.ndarray]] = [(None, served)]
    splits += [(seed, bank_stage.cross_validated(stage, x, y, pooled, sources, groups, gradeable, FOLDS, seed=seed))
               for seed, pooled in zip(SPLIT_SEEDS, split_pooled_scores, strict=False)]  # --quick: none
    equated = [bank_stage.cross_equated(staged, y, answers, groups, FOLDS, fit_rows=interview, seed=seed)
               for seed, staged in splits]
    figures: list[dict[str, float]] = []
    for (_, staged), equated_staged in zip(splits, equated, strict=True):
        before = summarize(np.minimum(staged, caps)[own], y[own])
        after = summarize(np.minimum(equated_staged, caps)[own], y[own])
        figures.append({f"{k}_{side}": round(float(m[k]), 4) for side, m in (("before", before), ("after", after))
                        for k in ("mae", "qwk", "pearson", "spearman")})
    change = float(np.mean([f["mae_after"] - f["mae_before"] for f in figures]))
    fitted = bank_stage.equating(served[interview], y[interview])
    report = {"chosen": change <= 0, "map": vars(fitted), **figures[0],  # the fixed split's figures, as before
              "mae_change_mean": round(change, 4), "splits": len(figures),
              "mae_change_per_split": [round(f["mae_after"] - f["mae_before"], 4) for f in figures],
              "qwk_change_mean": round(float(np.mean([f["qwk_after"] - f["qwk_before"] for f in figures])), 4)}
    print(f"equating: own MAE change over {len(figures)} splits {change:+.4f} (fixed split {figures[0]['mae_before']:.3f} "
          f"-> {figures[0]['mae_after']:.3f}), QWK {report['qwk_change_mean']:+.4f}: "
          f"{'kept' if report['chosen'] else 'dropped'}", file=sys.stderr)
    return (fitted, equated[0], report) if report["chosen"] else (None, served, report)


# What the selection averages: the uses outside checks grade (Chinese teachers' sets, our interview answers,
# English answers to an English reference). The cross-language view (en-zh) trains and is reported but is not
# selected on: counted in, it picked deep trees that gain there (.61 vs .56) and lose ADS (.67 vs .69);
# an English answer to a bank item is matched against the item's English text instead.
SELECTION = {"ads": ("ads",), "le": ("le",), "own": ("own",), "en": ("en",)}


def selection_score(metrics: dict[str, Any]) -> float:
    parts = [np.mean([(metrics[s]["pearson"] + metrics[s]["spearman"]) / 2 for s in members if s in metrics])
             for members in SELECTION.values() if any(s in metrics for s in members)]
    return float(np.mean(parts))


def recipe_name(recipe: dict[str, Any]) -> str:
    return f"{recipe['candidate'].name:15s} synthetic={recipe['synthetic']!s:5s} balanced={recipe['balanced']!s:5s}"


def fit_rows_of(recipe: dict[str, Any], sources: np.ndarray, gradeable: np.ndarray) -> np.ndarray:
    """The rows a recipe's pooled scorer learns from: the real sources and the padded copies, plus the synthetic
    variants when the recipe uses them."""
    return gradeable & (pooled_sources(sources) | (sources == "padding") | ((sources == "synthetic") & recipe["synthetic"]))


def pooled_out_of_fold(recipe: dict[str, Any], x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                       sources: np.ndarray, gradeable: np.ndarray, seed: int | None = None) -> np.ndarray:
    """A recipe's pooled scores, out of fold on one split by question (`seed`: cross_validate's), before the
    caps; 0 for the answers the rules score."""
    candidate: Candidate = recipe["candidate"]
    pred = cross_validate(candidate, x[:, : len(FEATURES)], y, groups, sources, fit_rows_of(recipe, sources, gradeable),
                          recipe["balanced"], seed=seed)
    return np.where(gradeable, pred, 0.0)


def judge_recipe(recipe: dict[str, Any], x: np.ndarray, y: np.ndarray, groups: np.ndarray, sources: np.ndarray,
                 gradeable: np.ndarray, caps: np.ndarray, seed: int | None = None) -> dict[str, Any]:
    """A recipe's out-of-fold figures on one split by question (`seed` None: the fixed one), as served: its
    pooled scores (`pred`, before the caps), the per-source metrics under the rules' caps, our answers
    through the first bank stage (`staged`, nested in the same folds) and the selection score."""
    pred = pooled_out_of_fold(recipe, x, y, groups, sources, gradeable, seed=seed)
    # Figures as served: under the rules' caps (OfflineGrader.cap); the raw scores feed the stages.
    m = source_metrics(np.minimum(pred, caps), y, sources, n_boot=200 if seed is None else 0)
    # Answers to bank items are served through a stacked stage over this pooled score, so the recipe is
    # judged on what they would get from it (the first stage), not on its raw output.
    staged = bank_stage.cross_validated(bank_stage.STAGES[0], x, y, pred, sources, groups, gradeable, FOLDS, seed=seed)
    own = sources == "own"
    judged = {**m, "own": {k: round(float(v), 4) for k, v in summarize(np.minimum(staged, caps)[own], y[own]).items()}
              } if "own" in m else m
    return {"metrics": m, "selection": selection_score(judged), "pred": pred, "staged": staged,
            "staged_own": judged.get("own")}


# Recipes whose selection on the fixed split is within NEAR of the best are judged again over SPLIT_SEEDS and
# the best mean over all those splits wins. One split is one draw: the same recipe's figures moved by up to
# 0.009 with the fold assignment (data_round's baseline, 2026-11-30), and in the seventh session's retrain the
# top recipes were within 0.004 of each other on the fixed split while their ADS figures over five splits
# differed by 0.03, so "the best on one split" was a coin toss between tied recipes.
NEAR = 0.01


def steadier_selection(recipes: list[dict[str, Any]], x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                       sources: np.ndarray, gradeable: np.ndarray, caps: np.ndarray) -> None:
    """Adds `selection_splits` (mean, min, max, per split) to every recipe within NEAR of the best."""
    top = max(float(r["selection"]) for r in recipes)
    for recipe in recipes:
        if float(recipe["selection"]) < top - NEAR:
            continue
        judged = [judge_recipe(recipe, x, y, groups, sources, gradeable, caps, seed=seed) for seed in SPLIT_SEEDS]
        recipe["split_preds"] = [j["pred"] for j in judged]  # for split_sensitivity, if this recipe wins
        scores = [float(recipe["selection"])] + [float(j["selection"]) for j in judged]
        recipe["selection_splits"] = {"mean": float(np.mean(scores)), "min": float(np.min(scores)),
                                      "max": float(np.max(scores)), "splits": [round(s, 4) for s in scores]}
        print(f"{recipe_name(recipe)} selection over {len(scores)} splits: {np.mean(scores):.4f} ({np.min(scores):.4f}-{np.max(scores):.4f})",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.training.train", description=__doc__.splitlines()[0])
    ap.add_argument("--no-cache", action="store_true", help="recompute every feature")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--quick", action="store_true", help="one recipe only (the last candidate, real sources, "
                    "sources weighted equally): a smoke run of the pipeline, not a selection")
    args = ap.parse_args(argv)

    rows = load_rows()
    x, gradeable, caps = cached_features(rows, use_cache=not args.no_cache)  # ALL_FEATURES: the stages read them all
    pooled_x = x[:, : len(FEATURES)]  # the pooled scorer reads FEATURES only (features.BANK_FEATURES says why)
    y = np.asarray([r.score for r in rows])
    sources = np.asarray([r.source for r in rows])
    groups = cv_groups(rows)

    recipes: list[dict[str, Any]] = []
    for with_synthetic in (False,) if args.quick else (False, True):
        if with_synthetic and not (sources == "synthetic").any():
            continue
        for balanced in (True,) if args.quick else (False, True):
            for candidate in CANDIDATES[-1:] if args.quick else CANDIDATES:
                recipe = {"candidate": candidate, "synthetic": with_synthetic, "balanced": balanced}
                recipes.append(recipe | judge_recipe(recipe, x, y, groups, sources, gradeable, caps))
                print(f"{recipe_name(recipe)} "
                      + " ".join(f"{s}: r={v['pearson']:.3f} rho={v['spearman']:.3f}" for s, v in recipes[-1]["metrics"].items()),
                      file=sys.stderr)
    if not args.quick:
        steadier_selection(recipes, x, y, groups, sources, gradeable, caps)
    best: dict[str, Any] = max(recipes, key=lambda r: float(r.get("selection_splits", {}).get("mean", r["selection"])))
    best["selection_near"] = None if args.quick else NEAR
    oof_raw = best["pred"].copy()
    best["raw_metrics"] = source_metrics(np.minimum(best["pred"], caps), y, sources, n_boot=200)
    best["pred"] = cross_fitted(best["pred"], y, sources, groups, gradeable, FOLDS)
    stage, served, best["stages"] = choose_bank_stage(x, y, oof_raw, best["pred"], best["staged"], sources, groups,
                                                      gradeable, caps, quick=args.quick)
    interview = np.isin(sources, INTERVIEW_SOURCES) & gradeable
    answers = np.isin(sources, BANK_SOURCES) & gradeable  # our answers and the classifier-only rounds
    equated, served, best["equating"] = choose_equating(
        stage, served, [] if args.quick else split_pooled(best, x, y, groups, sources, gradeable, caps),
        x, y, sources, groups, gradeable, interview, answers, caps)
    kinds = np.asarray([r.kind for r in rows])
    served = np.minimum(served, caps)
    off_topic, best["off_topic"], flagged = train_off_topic(
        x[answers], kinds[answers], groups[answers], FOLDS, served[answers], DEFAULT_CALIBRATION.off_topic_score,
        reviewed=interview[answers])
    served[np.flatnonzero(answers)[flagged]] = 0.0  # as served: an answer judged off topic scores 0 (offline.py)
    best["pred"] = served
    best["metrics"] = source_metrics(best["pred"], y, sources)  # the chosen one, calibrated, full bootstraps

    chosen: Candidate = best["candidate"]
    fit_mask = fit_rows_of(best, sources, gradeable)
    model = chosen.build()
    model.fit(pooled_x[fit_mask], y[fit_mask], **{fit_weight_name(chosen): sample_weights(sources, best["balanced"])[fit_mask]})
    spec = export(chosen, model, version=code_version())
    spec["calibration"] = fit_maps(oof_raw, y, sources, gradeable)
    if stage is not None:
        stage_mask = bank_stage.stage_rows(groups, sources, gradeable)
        spec["bank_stage"] = bank_stage.export(stage, bank_stage.fit(stage, x, y, oof_raw, sources, stage_mask, groups),
                                               equated)
    spec["off_topic"] = off_topic
    # The cut is learned on our (Chinese) answers alone: the translations carry the score the reviewer gave the
    # Chinese text, and with them the cut fell 4.5 -> 4.3 (balanced accuracy on the union .848).
    own = (sources == "own") & gradeable
    spec["move_on_at"], best["decision"] = move_on_threshold(best["pred"][own], y[own])
    move_on, best["move_on"] = train_move_on(best["pred"][interview], x[interview], y[interview], kinds[interview],
                                             sources[interview], groups[interview], spec["move_on_at"], COMPLETE, FOLDS)
    if move_on is not None:
        spec["move_on"] = move_on
    scorer = Scorer(spec)
    ours = np.asarray([scorer.raw_score(v) for v in x[fit_mask]])
    theirs = np.clip(model.predict(pooled_x[fit_mask]), 0, 10)
    if not np.allclose(ours, theirs, atol=1e-6):
        raise SystemExit(f"export mismatch: max difference {np.abs(ours - theirs).max()}")
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n", encoding="utf-8")
    best["split_sensitivity"] = split_sensitivity(best, x, y, groups, sources, gradeable, caps)
    write_report(rows, pooled_x, y, sources, gradeable, fit_mask, recipes, best, model, chosen)
    print(f"chose {chosen.name} (synthetic={best['synthetic']}, balanced={best['balanced']}); "
          f"wrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
