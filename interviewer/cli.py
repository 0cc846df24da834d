"""The `interviewer` command. Every user error ends with a one-line message and exit code 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.settings import Settings
from knowledge.errors import InterviewerError
from knowledge.titles import cite_label

if TYPE_CHECKING:  # the heavy modules are imported by the command that needs them
    from interviewer.grading.models import Grade
    from interviewer.grading.service import GradingService
    from interviewer.session.models import Report, SessionPlan

EXIT_USAGE = 2


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _tqdm_progress(total: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, leave=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.wiring import build_index

    if args.kb and args.kb != "default":  # a named knowledge base (knowledge/bases.py), made if new
        import time

        from interviewer.wiring import build_kb_index
        from knowledge.bases import KnowledgeBaseFolders

        stats = KnowledgeBaseFolders(settings.kbs_dir).ingest_folder(
            args.kb, build_kb_index(settings, args.kb), Path(args.docs) if args.docs else None,
            settings.kb_max_documents, time.time(), rebuild=args.rebuild, progress=_tqdm_progress)
    else:
        docs = Path(args.docs) if args.docs else settings.docs_dir
        stats = build_index(settings).ingest(docs, rebuild=args.rebuild, progress=_tqdm_progress)
    for skipped in stats.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    for warning in stats.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        _print_json(stats.model_dump(include={"documents", "items", "chunks", "embedded", "seconds"}))
    else:
        print(f"{stats.documents} documents, {stats.items} questions, {stats.chunks} chunks "
              f"({stats.embedded} embedded, {stats.deleted} removed) in {stats.seconds:.1f} s")
        for source, count in stats.per_file.items():
            print(f"  {source}: {count} questions")
        print("topics: " + ", ".join(f"{t} {n}" for t, n in stats.per_topic.items()))
    return 0


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    """The reviewed overlays against the notes: errata that no longer apply, stale or missing translations."""
    from knowledge.parsing import parse_corpus

    docs = Path(args.docs) if args.docs else settings.docs_dir
    parsed = parse_corpus(docs)
    report = parsed.overlays
    assert report is not None  # parse_corpus always applies the overlays
    if args.json:
        _print_json({"items": len(parsed.items), **report.model_dump()})
    else:
        print(f"{len(parsed.items)} questions: {report.translated} translated, {len(report.stale)} stale, "
              f"{len(report.missing)} missing; {len(report.corrected)} corrected by errata")
        for line in [*report.unapplied, *report.stale]:
            print(f"  {line}")
        for item_id in report.missing:
            print(f"  {item_id}: no English translation")
    return 1 if report.unapplied or report.stale or report.missing else 0


def _read_queries(path: str) -> list[str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InterviewerError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterviewerError(f"{path} is not valid UTF-8 (byte offset {exc.start})") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.wiring import build_index

    if bool(args.query) == bool(args.file):
        raise InterviewerError("give a QUERY or --file F (one query per line), not both or neither")
    queries = _read_queries(args.file) if args.file else [args.query]
    index = build_index(settings)
    topics = [t.strip() for t in args.topic.split(",")] if args.topic else None
    failed = False
    for query in queries:
        try:
            hits = index.search(query, k=args.k, topics=topics, source=args.source)
        except InterviewerError as exc:
            if not args.file:
                raise
            failed = True
            print(f"error: {query[:60]!r}: {exc}", file=sys.stderr)
            continue
        if args.json:
            generation = index.generation()
            _print_json({"query": query, "hits": [
                {"question": h.question, "source": h.source, "section": h.section, "text": h.text,
                 "score": h.score, "item_id": h.item_id, "lines": [h.line_start, h.line_end], "title": h.title}
                for h in hits], "generation": generation.model_dump(include={"id", "created_at", "items", "chunks"})
                if generation else None})
        else:
            print(f"» {query}")
            for rank, h in enumerate(hits, 1):
                where = cite_label(h.source, h.section, h.title)
                print(f"  {rank}. {h.question}\n     {where} ({h.source}, lines {h.line_start}-{h.line_end})")
    return EXIT_USAGE if failed else 0


def _grade_service(settings: Settings) -> GradingService:
    from interviewer.wiring import build_app

    return build_app(settings, ingest_if_missing=False, warm=False, lazy=True).grading


def _print_grade(grade: Grade, as_json: bool, item_id: object = None) -> None:
    if as_json:
        payload = grade.model_dump()
        if item_id is not None:
            payload = {"id": item_id, **payload}
        _print_json(payload)
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
            _print_json({"id": result_id, "line": number, "error": error})
    return EXIT_USAGE if failed else 0


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
    print(_mode_banner(settings), file=sys.stderr)
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


def cmd_progress(args: argparse.Namespace, settings: Settings) -> int:
    """The terminal candidate's progress per topic and question, and the review queue."""
    import time

    from interviewer.candidates.local import local_candidate, render_progress
    from interviewer.candidates.reviews import due_cards
    from interviewer.candidates.service import progress_of, review_cards
    from interviewer.store import open_store
    from interviewer.wiring import build_index

    store = open_store(settings)
    try:
        candidate = local_candidate(settings.data_dir, store, create=False)
        if candidate is None:
            print("No answers recorded yet: practise with `interviewer chat`.")
            return 0
        now = time.time()
        progress = progress_of(store, build_index(settings).bank, candidate.id, now)
        cards = review_cards(store, candidate.id)
    finally:
        store.close()
    if args.json:
        due = [{"item_id": c.item_id, "topic": c.topic, "due_at": c.due, "last_score": c.last_score}
               for c in due_cards(cards, now)]
        _print_json({**progress.model_dump(mode="json"), "reviews_due": due})
    else:
        print(render_progress(progress, cards, now))
    return 0


def _mode_banner(settings: Settings) -> str:
    if settings.llm_enabled:
        return f"LLM mode: {settings.llm_model} at {settings.openai_base_url or 'api.openai.com'}"
    return "Embedded default (no OPENAI_API_KEY): offline interviewer and coverage grader."


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.api.serve import serve

    print(_mode_banner(settings), file=sys.stderr)
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evals.runner import run_cli

    return run_cli(
        [Path(p) for p in args.paths],
        report=Path(args.report) if args.report else None,
        as_json=args.json,
        grader=args.grader,
        baseline=Path(args.baseline) if args.baseline else None,
    )


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Check the configured LLM provider end to end; exit 1 when LLM mode would fall back."""
    from interviewer.llm.doctor import diagnose

    diagnosis = diagnose(settings)
    if args.json:
        _print_json(diagnosis.as_dict())
    else:
        print(diagnosis.render())
    return 0 if diagnosis.ok else 1


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": cmd_ingest,
    "check": cmd_check,
    "search": cmd_search,
    "grade": cmd_grade,
    "chat": cmd_chat,
    "progress": cmd_progress,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "doctor": cmd_doctor,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Mock interviews for LLM/ML engineering.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the knowledge index")
    p.add_argument("--docs", help="folder of .md/.txt notes (default: knowledge/docs)")
    p.add_argument("--rebuild", action="store_true", help="embed everything again (the current index serves until the new one is complete)")
    p.add_argument("--json", action="store_true", help="end with one JSON line of statistics")
    p.add_argument("--kb", metavar="NAME", help="a named knowledge base: its notes become DIR's (made if new; "
                   "every caller of the service may read it); default: the seed notes")

    p = sub.add_parser("check", help="list errata that do not apply and stale or missing translations")
    p.add_argument("--docs", help="folder of .md/.txt notes (default: knowledge/docs)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", help="look up reference passages")
    p.add_argument("query", nargs="?")
    p.add_argument("--file", help="one query per line")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--topic", help="comma-separated topic filter")
    p.add_argument("--source", help="only this source file")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("grade", help="grade a written answer (or a JSONL batch)")
    p.add_argument("--question")
    p.add_argument("--answer")
    p.add_argument("--reference", help="grade against this reference instead of the knowledge base")
    p.add_argument("--language", choices=["zh", "en"], help="feedback language (default: the answer's)")
    p.add_argument("--file", help="JSONL: one {id?, question, answer, reference?} per line")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("chat", help="a mock interview in the terminal")
    p.add_argument("--topics", help="comma-separated topics (default: a mix)")
    p.add_argument("--questions", type=int, default=5, help="number of questions (1-20)")
    p.add_argument("--language", choices=["zh", "en"], default="zh")
    p.add_argument("--mode", choices=["practice", "exam"], default="practice")
    p.add_argument("--review", action="store_true", help="ask the questions due for review first, then weak topics")
    p.add_argument("--no-record", action="store_true",
                   help="keep this chat out of your progress (by default it is recorded in the data dir)")
    p.add_argument("--report-md", metavar="PATH",
                   help="also write the final report to PATH as Markdown (in the interview's language)")

    p = sub.add_parser("progress", help="your progress per topic and question, and what is due for review")
    p.add_argument("--json", action="store_true", help="one JSON line: the progress and the due reviews")

    p = sub.add_parser("serve", help="the HTTP service and the web page at /")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)

    p = sub.add_parser("eval", help="replay canned transcripts and labelled sets")
    p.add_argument("paths", nargs="*", help="files or folders (default: the evals/ suite)")
    p.add_argument("--report", help="write an HTML report here")
    p.add_argument("--json", action="store_true", help="end with one JSON line of metrics")
    p.add_argument("--grader", choices=["offline", "llm"])
    p.add_argument("--baseline", help="a previous run's JSON, to show what changed")

    p = sub.add_parser("doctor", help="check the configured LLM provider and say what to set")
    p.add_argument("--json", action="store_true", help="one JSON line: {ok, checks, set}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        return COMMANDS[args.command](args, settings)
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
