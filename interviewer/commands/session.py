"""`interviewer chat`: a mock interview in the terminal, recorded as the terminal's candidate unless told not to."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.commands.common import mode_banner
from interviewer.settings import Settings
from knowledge.errors import InterviewerError

if TYPE_CHECKING:  # the heavy modules are imported by the command that needs them
    from interviewer.session.models import Report, SessionPlan


def _plan(args: argparse.Namespace) -> SessionPlan:
    from interviewer.session.models import SessionPlan

    topics = [t.strip() for t in args.topics.split(",") if t.strip()] if args.topics else None
    try:
        return SessionPlan(topics=topics, num_questions=args.questions, language=args.language, mode=args.mode)
    except ValueError as exc:
        raise InterviewerError(f"invalid interview plan: {exc}") from None


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.chat import run_chat
    from interviewer.wiring import build_app

    plan = _plan(args)
    if args.review and args.no_record:
        raise InterviewerError("--review practises the recorded candidate's due questions: drop --no-record")
    report_md = _report_md_path(args.report_md)
    interview = build_app(settings, ingest_if_missing=False, warm=False, lazy=True).interview
    print(mode_banner(settings), file=sys.stderr)
    if args.no_record:
        _write_report_md(report_md, run_chat(interview, plan))
        return 0
    import time
    import uuid

    from interviewer.candidates.local import Recorder, local_candidate
    from interviewer.candidates.service import review_plan
    from interviewer.store import open_store

    store = open_store(settings)
    try:
        candidate = local_candidate(settings.data_dir, store, create=True)
        assert candidate is not None
        session_id = uuid.uuid4().hex
        question_ids = None
        if args.review:
            plan = plan.model_copy(update={"review": True})
            question_ids = review_plan(store, interview.bank, candidate.id, plan, session_id, time.time())
        report = run_chat(interview, plan, session_id=session_id, question_ids=question_ids,
                          on_change=Recorder(store, candidate.id))
    finally:
        store.close()
    _write_report_md(report_md, report)
    return 0


def _report_md_path(value: str | None) -> Path | None:
    """--report-md's file, checked before the interview starts (no interview is lost to a typo)."""
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        raise InterviewerError(f"--report-md {value}: a folder; give a file name (e.g. {path / 'report.md'})")
    if not path.parent.is_dir():
        raise InterviewerError(f"--report-md {value}: the folder {path.parent} does not exist")
    return path


def _write_report_md(path: Path | None, report: Report) -> None:
    if path is None:
        return
    from datetime import UTC, datetime

    from interviewer.session.report_markdown import report_markdown

    date = datetime.now(UTC).strftime("%Y-%m-%d")
    try:
        path.write_text(report_markdown(report, report.language, date=date), encoding="utf-8")
    except OSError as exc:
        raise InterviewerError(f"--report-md: cannot write {path} ({exc.strerror or exc})") from None
    print(f"Report written to {path}", file=sys.stderr)
