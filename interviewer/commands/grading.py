"""`interviewer grade` (one written answer, or a JSONL batch) and `interviewer eval` (the grader measured)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.commands.common import EXIT_USAGE, print_json
from interviewer.settings import Settings
from knowledge.errors import InterviewerError

if TYPE_CHECKING:  # the heavy modules are imported by the command that needs them
    from interviewer.grading.models import Grade
    from interviewer.grading.service import GradingService


def _grade_service(settings: Settings) -> GradingService:
    from interviewer.wiring import build_app

    return build_app(settings, ingest_if_missing=False, warm=False, lazy=True).grading


def _print_grade(grade: Grade, as_json: bool, item_id: object = None) -> None:
    if as_json:
        payload = grade.model_dump()
        if item_id is not None:
            payload = {"id": item_id, **payload}
        print_json(payload)
        return
    print(f"score {grade.score:.1f}/10 ({grade.grader}, {grade.prompt_version})")
    for r in grade.rubric:
        print(f"  {r.criterion:<13} {r.score:4.1f}  {r.comment}")
    if grade.flags:
        print("flags: " + ", ".join(grade.flags))
    for label, points in (("covered", grade.covered), ("missing", grade.missing)):
        for point in points:
            print(f"  [{'x' if label == 'covered' else ' '}] {point}")
    for ref in grade.references:
        print(f"  ref: {ref.source} § {ref.section}")
    if grade.summary:
        print(grade.summary)


def _jsonl_rows(path: str) -> list[tuple[int, object]]:
    """(line number, parsed object or an error string) per non-blank line; bad lines don't stop the rest."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InterviewerError(f"cannot read {path}: {exc.strerror or exc}") from None
    rows: list[tuple[int, object]] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            rows.append((number, f"line {number}: not valid UTF-8 (byte offset {exc.start})"))
            continue
        try:
            rows.append((number, json.loads(text)))
        except json.JSONDecodeError as exc:
            rows.append((number, f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})"))
    return rows


def cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    if args.file:
        if any(v is not None for v in (args.question, args.answer, args.reference)):
            raise InterviewerError("--file cannot be combined with --question/--answer/--reference")
        return _grade_file(args, settings)
    if not args.question or args.answer is None:
        raise InterviewerError("give --question and --answer (or --file F.jsonl)")
    service = _grade_service(settings)
    _print_grade(service.grade(args.question, args.answer, args.reference, args.language), args.json)
    return 0


def _grade_file(args: argparse.Namespace, settings: Settings) -> int:
    rows = _jsonl_rows(args.file)
    if not rows:
        raise InterviewerError(f"{args.file} has no lines to grade")
    service = _grade_service(settings)
    failed = 0
    for number, row in rows:
        error: str | None
        if isinstance(row, str):
            result_id, error, grade = None, row, None
        else:
            (result,) = service.grade_batch([row])
            result_id, grade = result.id, result.grade
            error = f"line {number}: {result.error}" if result.error else None
        if grade is not None:
            _print_grade(grade, args.json, item_id=result_id)
            continue
        failed += 1
        print(f"error: {error}", file=sys.stderr)
        if args.json:
            print_json({"id": result_id, "line": number, "error": error})
    return EXIT_USAGE if failed else 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.runner import run_cli

    return run_cli(
        [Path(p) for p in args.paths],
        report=Path(args.report) if args.report else None,
        as_json=args.json,
        grader=args.grader,
        baseline=Path(args.baseline) if args.baseline else None,
    )
