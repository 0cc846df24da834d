"""The eval runner behind `interviewer eval`: labelled sets and canned transcripts, mixed, files or folders.

    python -m evals.runner [PATH ...] [--report FILE] [--json] [--grader offline|llm] [--baseline FILE]

With no paths it runs the repo's own suite (`evals/labelled/`, `evals/transcripts/`). Thresholds come
from `evals/thresholds.yaml` (or a `thresholds.yaml` inside a folder given on the command line); exit
code 0 at or above them, 1 below, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.evaluation import EvalResult, run_eval
from knowledge.errors import InterviewerError

EXIT_OK, EXIT_BELOW, EXIT_BAD_INPUT = 0, 1, 2


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
