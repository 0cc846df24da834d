"""`interviewer ingest`, `check` and `search`: build the index, check the notes' overlays, look up references."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from interviewer.commands.common import EXIT_USAGE, print_json
from interviewer.settings import Settings
from knowledge.errors import InterviewerError
from knowledge.titles import cite_label


def _tqdm_progress(total: int, desc: str) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, leave=False)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.wiring import ingest_index

    stats = ingest_index(settings, kb=args.kb, docs=Path(args.docs) if args.docs else None,
                         rebuild=args.rebuild, progress=_tqdm_progress)
    for skipped in stats.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    for warning in stats.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        print_json(stats.model_dump(include={"documents", "items", "chunks", "embedded", "seconds"}))
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
        print_json({"items": len(parsed.items), **report.model_dump()})
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
    from interviewer.wiring import ready_index

    if bool(args.query) == bool(args.file):
        raise InterviewerError("give a QUERY or --file F (one query per line), not both or neither")
    queries = _read_queries(args.file) if args.file else [args.query]
    # Not loaded up front: each part (bank, chunks, BM25) is read when a query first needs it.
    index = ready_index(settings, ingest_if_missing=False, load=False)
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
            print_json({"query": query, "hits": [
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
