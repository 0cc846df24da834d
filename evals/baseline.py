"""A previous eval run as the baseline: load its metrics JSON, and say what got better or worse since."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.labelled import read_utf8
from knowledge.errors import InvalidInput

METRICS = ("spearman", "pearson", "qwk", "mae", "pass_rate")
LOWER_IS_BETTER = {"mae"}
TOLERANCE = 1e-3  # changes smaller than this are "same"
PREDICTION_CHANGE = 1.0  # per-answer error changes listed when at least this large


def load_baseline(path: Path) -> dict[str, Any]:
    """A previous run's metrics: a JSON file, or saved `--json` output (its last JSON line)."""
    text = read_utf8(path).strip()
    candidates = [text] + [line for line in reversed(text.splitlines()) if line.strip().startswith("{")]
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict):
            return data
    raise InvalidInput(f"{path}: no metrics JSON found (save the output of `interviewer eval --json`)")


def _direction(metric: str, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return "n/a"
    delta = new - old
    if abs(delta) < TOLERANCE:
        return "same"
    better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if better else "worse"


def compare(current: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """What changed since the baseline: metrics (overall and per set), transcripts, and single answers."""
    rows = []
    scopes = [("all", current, baseline)] + [
        (name, cur, baseline.get("labelled", {}).get(name, {})) for name, cur in current.get("labelled", {}).items()
    ]
    for scope, cur, old in scopes:
        for metric in METRICS:
            if metric in cur or metric in old:
                new_v, old_v = cur.get(metric), old.get(metric)
                rows.append({"scope": scope, "metric": metric, "baseline": old_v, "current": new_v,
                             "delta": None if new_v is None or old_v is None else round(new_v - old_v, 4),
                             "change": _direction(metric, old_v, new_v)})
    old_t = {t["id"]: t for t in baseline.get("transcripts", [])}
    transcripts = []
    for t in current.get("transcripts", []):
        before = old_t.get(t["id"])
        if before is None or before.get("passed") != t["passed"]:
            change = "new" if before is None else ("fixed" if t["passed"] else "broken")
            transcripts.append({"id": t["id"], "change": change, "failures": t.get("failures", [])})
    answers = []
    for name, cur in current.get("labelled", {}).items():
        old_pred = baseline.get("labelled", {}).get(name, {}).get("predictions", {})
        for answer_id, new_p in cur.get("predictions", {}).items():
            if answer_id in old_pred and abs(new_p - old_pred[answer_id]) >= PREDICTION_CHANGE:
                answers.append({"set": name, "id": answer_id, "baseline": old_pred[answer_id], "current": new_p})
    better = sum(r["change"] == "better" for r in rows) + sum(t["change"] == "fixed" for t in transcripts)
    worse = sum(r["change"] == "worse" for r in rows) + sum(t["change"] == "broken" for t in transcripts)
    headline = (f"{better} better, {worse} worse; {len(answers)} answers moved by >= {PREDICTION_CHANGE:g} "
                f"(baseline {baseline.get('timestamp', '?')}, grader {baseline.get('grader', '?')})")
    return {"metrics": rows, "transcripts": transcripts, "answers": answers, "headline": headline,
            "summary": {"better": better, "worse": worse, "baseline_timestamp": baseline.get("timestamp")}}
