"""The eval runner behind `interviewer eval`: labelled sets and canned transcripts, mixed, files or folders.

    python -m evals.runner [PATH ...] [--report FILE] [--json] [--grader offline|llm] [--baseline FILE]

With no paths it runs the repo's own suite (`evals/labelled/`, `evals/transcripts/`). Thresholds come
from `evals/thresholds.yaml` (or a `thresholds.yaml` inside a folder given on the command line); exit
code 0 at or above them, 1 below, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from evals.labelled import (
    LabelledExample,
    LabelledSet,
    SetMetrics,
    grade_set,
    load_labelled,
    measure,
    read_utf8,
)
from evals.transcripts import (
    ReplayContext,
    Transcript,
    TranscriptResult,
    load_transcripts,
    replay,
    turn_count,
)
from interviewer.grading.base import Grader
from interviewer.grading.models import Grade, GradeRequest
from knowledge.bank import QuestionBank
from knowledge.errors import IndexNotReady, InterviewerError, InvalidInput
from knowledge.models import QAItem

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_PATHS = (EVALS_DIR / "labelled", EVALS_DIR / "transcripts")
DEFAULT_THRESHOLDS = EVALS_DIR / "thresholds.yaml"
TRANSCRIPT_SUFFIXES = {".json", ".yaml", ".yml"}
LABELLED_SUFFIXES = {".jsonl"}
EXIT_OK, EXIT_BELOW, EXIT_BAD_INPUT = 0, 1, 2
HIGHER_IS_BETTER = {"spearman": True, "pearson": True, "qwk": True, "mae": False, "pass_rate": True}


# ---- what a run needs (real adapters, or fakes in tests) --------------------------------------------


@dataclass
class EvalContext:
    bank: QuestionBank
    grader: Grader  # the interview's grader
    grade_answer: Callable[[LabelledExample], Grade]  # the `interviewer grade` path for labelled answers
    search: Callable[[str], QAItem | None] | None = None
    max_follow_ups: int = 2
    metadata: dict[str, Any] = field(default_factory=dict)


class _VectorGrader:
    """Feeds the grader the key-point vectors stored at ingest, as the service does for interviews."""

    def __init__(self, index: Any, grader: Any) -> None:
        self.index, self.grader = index, grader

    def grade(self, request: GradeRequest) -> Grade:
        from interviewer.grading.service import point_vectors_for

        if hasattr(self.grader, "grade_with_vectors"):
            vectors = point_vectors_for(self.index, request)
            if vectors is not None:
                return self.grader.grade_with_vectors(request, vectors)  # type: ignore[no-any-return,unused-ignore]
        return self.grader.grade(request)  # type: ignore[no-any-return,unused-ignore]


def build_context(grader_choice: str | None) -> EvalContext:
    """The real index and grader, as `interviewer grade` and the service build them."""
    from interviewer.grading.service import GradingService
    from interviewer.settings import Settings
    from interviewer.wiring import build_grader, build_index

    settings = Settings()
    if grader_choice == "offline":
        settings = settings.model_copy(update={"openai_api_key": None})
    elif grader_choice == "llm" and not settings.llm_enabled:
        raise InvalidInput("--grader llm needs OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI endpoint)")
    elif grader_choice not in (None, "offline", "llm"):
        raise InvalidInput(f"unknown grader {grader_choice!r}: use offline or llm")
    index = build_index(settings)
    if not index.is_ready():
        raise IndexNotReady("the index has not been built: run `interviewer ingest` first")
    index.load()
    grader = build_grader(settings, index)
    service = GradingService(index, grader, max_answer_chars=settings.max_answer_chars)

    def search(question: str) -> QAItem | None:
        hits = index.search(question, k=1)
        return index.bank.get(hits[0].item_id) if hits else None

    llm = settings.llm_enabled
    return EvalContext(
        bank=index.bank,
        grader=_VectorGrader(index, grader),
        grade_answer=lambda ex: service.grade(ex.question, ex.answer, ex.reference),
        search=search,
        max_follow_ups=settings.max_follow_ups,
        metadata={"grader": "llm" if llm else "offline", "model": settings.llm_model if llm else None,
                  "endpoint": settings.openai_base_url if llm else None, "embedder": index.embedder.name,
                  "bank_items": len(index.bank)},
    )


# ---- inputs -----------------------------------------------------------------------------------------


@dataclass
class Inputs:
    labelled: list[LabelledSet] = field(default_factory=list)
    transcripts: list[Transcript] = field(default_factory=list)
    thresholds: Path = DEFAULT_THRESHOLDS
    paths: list[str] = field(default_factory=list)


SUITE_FOLDERS = ("labelled", "transcripts")  # in a suite folder: these, and the files at its top level


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        wanted = LABELLED_SUFFIXES | TRANSCRIPT_SUFFIXES
        suite = [path / f for f in SUITE_FOLDERS if (path / f).is_dir()]
        found = [*path.glob("*"), *(p for root in suite for p in root.rglob("*"))] if suite else path.rglob("*")
        return sorted(p for p in found if p.is_file() and p.suffix.lower() in wanted
                      and p.name != "thresholds.yaml" and not p.name.startswith("."))
    if not path.exists():
        raise InvalidInput(f"no such file or folder: {path}")
    if path.suffix.lower() not in LABELLED_SUFFIXES | TRANSCRIPT_SUFFIXES:
        raise InvalidInput(f"{path}: not an eval file (.jsonl labelled set, or .json/.yaml/.yml transcript)")
    return [path]


def load_inputs(paths: Sequence[Path | str] | None) -> Inputs:
    given = [Path(p) for p in paths] if paths else list(DEFAULT_PATHS)
    inputs = Inputs(paths=[str(p) for p in given])
    names: set[str] = set()
    ids: set[str] = set()
    for path in given:
        if path.is_dir() and (path / "thresholds.yaml").is_file():
            inputs.thresholds = path / "thresholds.yaml"
        for file in _files(path):
            if file.suffix.lower() in LABELLED_SUFFIXES:
                name = file.stem if file.stem not in names else f"{file.parent.name}/{file.stem}"
                names.add(name)
                inputs.labelled.append(load_labelled(file, name))
                continue
            for t in load_transcripts(file):
                if t.id in ids:
                    raise InvalidInput(f"{file}: duplicate transcript id {t.id!r}")
                ids.add(t.id)
                inputs.transcripts.append(t)
    if not inputs.labelled and not inputs.transcripts:
        raise InvalidInput("no labelled sets (.jsonl) or transcripts (.json/.yaml) found in " + ", ".join(inputs.paths))
    return inputs


# ---- thresholds -------------------------------------------------------------------------------------


class ThresholdCheck(BaseModel):
    name: str
    value: float | None
    bound: float
    passed: bool


def load_thresholds(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(read_utf8(path)) or {}
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path}: invalid YAML ({exc})") from None
    if not isinstance(data, dict) or not set(data) <= {"labelled", "transcripts"}:
        raise InvalidInput(f"{path}: expected top-level keys 'labelled' and/or 'transcripts'")
    return data


def _bound_checks(prefix: str, rules: dict[str, Any], values: dict[str, float | None]) -> list[ThresholdCheck]:
    checks = []
    for key, bound in (rules or {}).items():
        op, _, metric = str(key).partition("_")
        if op not in ("min", "max") or metric not in values or not isinstance(bound, int | float):
            raise InvalidInput(f"thresholds: bad rule {prefix}.{key}: {bound!r} (use min_<metric> or max_<metric>)")
        value = values[metric]
        ok = value is not None and (value >= bound if op == "min" else value <= bound)
        checks.append(ThresholdCheck(name=f"{prefix} {metric} {'>=' if op == 'min' else '<='} {bound:g}",
                                     value=value, bound=float(bound), passed=ok))
    return checks


def check_thresholds(rules: dict[str, Any], labelled: list[SetMetrics], pass_rate: float | None) -> list[ThresholdCheck]:
    checks: list[ThresholdCheck] = []
    per_set = rules.get("labelled") or {}
    for metrics in labelled:
        values = {m: getattr(metrics, m) for m in ("spearman", "pearson", "qwk", "mae")}
        for pattern in ("*", metrics.name):
            checks += _bound_checks(metrics.name, per_set.get(pattern) or {}, values)
    if pass_rate is not None:
        checks += _bound_checks("transcripts", rules.get("transcripts") or {}, {"pass_rate": pass_rate})
    return checks


# ---- the run ----------------------------------------------------------------------------------------


class EvalResult(BaseModel):
    metadata: dict[str, Any] = Field(default_factory=dict)
    labelled: list[SetMetrics] = Field(default_factory=list)
    overall: SetMetrics | None = None  # all labelled answers pooled
    transcripts: list[TranscriptResult] = Field(default_factory=list)
    expectations_passed: int = 0
    expectations_total: int = 0
    thresholds: list[ThresholdCheck] = Field(default_factory=list)
    passed: bool = True
    baseline: dict[str, Any] | None = None  # the comparison with a previous run (see report.compare)

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
    from evals.report import compare, load_baseline

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


# ---- the command ------------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def summary_lines(result: EvalResult) -> list[str]:
    lines = []
    sets = result.labelled + ([result.overall] if result.overall and len(result.labelled) > 1 else [])
    if sets:
        lines.append(f"{'labelled set':<16}{'n':>5}  {'spearman [95% CI]':<24}{'pearson':>8}{'qwk':>8}{'mae':>8}")
        for s in sets:
            lo, hi = s.ci.get("spearman", (None, None))
            rho = f"{_fmt(s.spearman)} [{_fmt(lo, 2)}, {_fmt(hi, 2)}]"
            lines.append(f"{s.name:<16}{s.n:>5}  {rho:<24}{_fmt(s.pearson):>8}{_fmt(s.qwk):>8}{_fmt(s.mae, 2):>8}")
        top = result.overall or sets[0]
        lines.append("")
        lines.append(f"{'kind':<20}{'n':>5}{'human':>8}{'predicted':>11}")
        lines += [f"{k:<20}{v.n:>5}{v.human:>8.2f}{v.predicted:>11.2f}" for k, v in top.kinds.items()]
    if result.transcripts:
        ok = sum(t.passed for t in result.transcripts)
        rate = f"{100 * result.pass_rate:.1f}%" if result.pass_rate is not None else "—"
        lines += ["", f"transcripts: {ok}/{len(result.transcripts)} passed; expectations "
                      f"{result.expectations_passed}/{result.expectations_total} ({rate})"]
        for t in result.transcripts:
            if not t.passed:
                lines.append(f"  FAIL {t.id}: " + "; ".join(c.describe() for c in t.failures[:4])
                             + (f" (+{len(t.failures) - 4} more)" if len(t.failures) > 4 else ""))
    if result.thresholds:
        lines.append("")
        lines += [f"  {'ok  ' if c.passed else 'FAIL'} {c.name} (got {_fmt(c.value)})" for c in result.thresholds]
    if result.baseline:
        lines += ["", "vs baseline: " + result.baseline.get("headline", "")]
    meta = result.metadata
    model = f" {meta['model']}" if meta.get("model") else ""
    lines += ["", f"grader {meta.get('grader')}{model} · embedder {meta.get('embedder', '—')} · "
                  f"{meta.get('seconds', 0):.1f} s → {'PASSED' if result.passed else 'BELOW THRESHOLDS'}"]
    return lines


def run_cli(
    paths: Sequence[Path | str] | None = None,
    report: Path | str | None = None,
    as_json: bool = False,
    grader: str | None = None,
    baseline: Path | str | None = None,
) -> int:
    """`interviewer eval`: prints the summary (and with as_json one line of metrics last); returns the exit code."""
    try:
        result = run_eval(paths or None, grader, baseline)
        if report:
            from evals.report import write_report

            write_report(result, Path(report))
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print("\n".join(summary_lines(result)), flush=True)
    if report:
        print(f"report: {report}")
    if as_json:
        print(json.dumps(result.metrics(), ensure_ascii=False), flush=True)
    return EXIT_OK if result.passed else EXIT_BELOW


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.runner", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--report", type=Path, help="write an HTML report here")
    parser.add_argument("--json", action="store_true", help="end with one line of metrics JSON")
    parser.add_argument("--grader", choices=["offline", "llm"])
    parser.add_argument("--baseline", type=Path, help="a previous run's --json output, to compare with")
    args = parser.parse_args(argv)
    return run_cli(args.paths, args.report, args.json, args.grader, args.baseline)


if __name__ == "__main__":
    sys.exit(main())
