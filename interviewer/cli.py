"""The `interviewer` command: its arguments and the dispatch to `interviewer/commands/`. Every user error ends
with a one-line message and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from interviewer.commands.common import EXIT_USAGE
from interviewer.commands.grading import cmd_eval, cmd_grade
from interviewer.commands.knowledge import cmd_check, cmd_ingest, cmd_search
from interviewer.commands.progress import cmd_progress
from interviewer.commands.serve import cmd_doctor, cmd_serve
from interviewer.commands.session import cmd_chat
from interviewer.settings import Settings
from knowledge.errors import InterviewerError

__all__ = ["COMMANDS", "EXIT_USAGE", "build_parser", "main"]


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
