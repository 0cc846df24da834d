"""One eval run: grade the labelled sets, replay the transcripts, check thresholds, assemble the metrics."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.baseline import compare, load_baseline
from evals.context import EvalContext, build_context
from evals.inputs import Inputs, ThresholdCheck, check_thresholds, load_inputs, load_thresholds
from evals.labelled import SetMetrics, grade_set, measure
from evals.transcript_format import turn_count
from evals.transcripts import ReplayContext, TranscriptResult, replay


class EvalResult(BaseModel):
    metadata: dict[str, Any] = Field(default_factory=dict)
    labelled: list[SetMetrics] = Field(default_factory=list)
    overall: SetMetrics | None = None  # all labelled answers pooled
    transcripts: list[TranscriptResult] = Field(default_factory=list)
    expectations_passed: int = 0
    expectations_total: int = 0
    thresholds: list[ThresholdCheck] = Field(default_factory=list)
    passed: bool = True
    baseline: dict[str, Any] | None = None  # the comparison with a previous run (see baseline.compare)

    @property
    def pass_rate(self) -> float | None:
        return self.expectations_passed / self.expectations_total if self.expectations_total else None

    def metrics(self) -> dict[str, Any]:
        """The one line of `--json`: flat DESIGN metric names first, then the detail needed to compare runs."""
        top = self.overall
        line: dict[str, Any] = {
            "passed": self.passed,
            **{m: getattr(top, m) if top else None for m in ("spearman", "pearson", "qwk", "mae")},
            "n": top.n if top else 0,
            "expectations_passed": self.expectations_passed,
            "expectations_total": self.expectations_total,
            "pass_rate": _round(self.pass_rate),
            **self.metadata,
            "labelled": {s.name: _set_line(s) for s in self.labelled},
            "kinds": {k: v.model_dump() for k, v in top.kinds.items()} if top else {},
            "transcripts": [
                {"id": t.id, "passed": t.passed, "expectations_passed": t.expectations_passed,
                 "expectations_total": t.expectations_total, "failures": [c.describe() for c in t.failures]}
                for t in self.transcripts
            ],
            "thresholds": [c.model_dump() for c in self.thresholds],
        }
        if self.baseline is not None:
            line["baseline"] = self.baseline.get("summary", {})
        return _json_safe(line)


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _set_line(s: SetMetrics) -> dict[str, Any]:
    return {"n": s.n, "spearman": s.spearman, "pearson": s.pearson, "qwk": s.qwk, "mae": s.mae,
            "ci": {k: list(v) for k, v in s.ci.items()},
            "kinds": {k: v.model_dump() for k, v in s.kinds.items()},
            "predictions": {p.id: p.predicted for p in s.predictions}}


def _json_safe(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="eval", unit="answer", file=sys.stderr, leave=False, disable=not enabled)


def run_eval(
    paths: Sequence[Path | str] | None = None,
    grader_choice: str | None = None,
    baseline: Path | str | None = None,
    *,
    context: EvalContext | None = None,
    thresholds: Path | None = None,
    progress: bool = True,
) -> EvalResult:
    """Load, grade and replay everything under `paths`; compare with `baseline` (a previous run's JSON)."""
    inputs = load_inputs(paths)
    previous = load_baseline(Path(baseline)) if baseline else None
    rules = load_thresholds(thresholds or inputs.thresholds)
    started = time.perf_counter()
    ctx = context or build_context(grader_choice)
    total = sum(len(s.examples) for s in inputs.labelled) + turn_count(inputs.transcripts)
    bar = _progress(total, progress)
    try:
        sets = [measure(s.name, grade_set(s, ctx.grade_answer, bar.update), path=s.path) for s in inputs.labelled]
        replay_ctx = ReplayContext(bank=ctx.bank, grader=ctx.grader, search=ctx.search,
                                   max_follow_ups=ctx.max_follow_ups)
        played = [replay(t, replay_ctx, bar.update) for t in inputs.transcripts]
    finally:
        bar.close()
    pooled = [p for s in sets for p in s.predictions]
    result = EvalResult(
        labelled=sets,
        overall=measure("all", pooled) if len(sets) > 1 else (sets[0] if sets else None),
        transcripts=played,
        expectations_passed=sum(t.expectations_passed for t in played),
        expectations_total=sum(t.expectations_total for t in played),
    )
    result.metadata = _metadata(ctx, result, inputs, rules_path=thresholds or inputs.thresholds,
                                seconds=time.perf_counter() - started)
    result.thresholds = check_thresholds(rules, sets, result.pass_rate)
    result.passed = all(c.passed for c in result.thresholds)
    if previous is not None:
        result.baseline = compare(result.metrics(), previous)
    return result


def _metadata(ctx: EvalContext, result: EvalResult, inputs: Inputs, rules_path: Path, seconds: float
              ) -> dict[str, Any]:
    graders = {p.grader for s in result.labelled for p in s.predictions if p.grader}
    graders |= {g for t in result.transcripts for g in t.graders}
    versions = {p.prompt_version for s in result.labelled for p in s.predictions if p.prompt_version}
    versions |= {v for t in result.transcripts for v in t.prompt_versions}
    return {
        "grader": ctx.metadata.get("grader", "offline"),
        "model": ctx.metadata.get("model"),
        **{k: v for k, v in ctx.metadata.items() if k not in ("grader", "model")},
        "graders_used": sorted(graders),
        "prompt_versions": sorted(versions),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "inputs": inputs.paths,
        "thresholds_file": str(rules_path),
    }
