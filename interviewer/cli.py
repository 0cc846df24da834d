"""The `interviewer` command. Every user error ends with a one-line message and exit code 2."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from interviewer.errors import InterviewerError
from interviewer.settings import Settings

EXIT_USAGE = 2


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _tqdm_progress(total: int, desc: str):  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, leave=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.wiring import build_index

    docs = Path(args.docs) if args.docs else settings.docs_dir
    index = build_index(settings)
    stats = index.ingest(docs, rebuild=args.rebuild, progress=_tqdm_progress)
    for skipped in stats.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    if args.json:
        _print_json(stats.model_dump(include={"documents", "items", "chunks", "embedded", "seconds"}))
    else:
        print(f"{stats.documents} documents, {stats.items} questions, {stats.chunks} chunks "
              f"({stats.embedded} embedded, {stats.deleted} removed) in {stats.seconds:.1f} s")
        for source, count in stats.per_file.items():
            print(f"  {source}: {count} questions")
        print("topics: " + ", ".join(f"{t} {n}" for t, n in stats.per_topic.items()))
    return 0


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
            _print_json({"query": query, "hits": [
                {"question": h.question, "source": h.source, "section": h.section, "text": h.text,
                 "score": h.score, "item_id": h.item_id, "lines": [h.line_start, h.line_end]}
                for h in hits]})
        else:
            print(f"» {query}")
            for rank, h in enumerate(hits, 1):
                print(f"  {rank}. {h.question}\n     {h.source} § {h.section} (lines {h.line_start}-{h.line_end})")
    return EXIT_USAGE if failed else 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": cmd_ingest,
    "search": cmd_search,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="Mock interviews for LLM/ML engineering.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="build or update the knowledge index")
    p.add_argument("--docs", help="folder of .md/.txt notes (default: knowledge/docs)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and embed everything again")
    p.add_argument("--json", action="store_true", help="end with one JSON line of statistics")

    p = sub.add_parser("search", help="look up reference passages")
    p.add_argument("query", nargs="?")
    p.add_argument("--file", help="one query per line")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--topic", help="comma-separated topic filter")
    p.add_argument("--source", help="only this source file")
    p.add_argument("--json", action="store_true")
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
