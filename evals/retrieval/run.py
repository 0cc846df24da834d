"""Retrieval benchmark: paraphrased queries -> the bank items they ask about, per search mode.

    python -m evals.retrieval.run [--queries FILE] [--json] [--k 10] [--out FILE]

Builds (or loads) the index exactly as the service does (``interviewer.wiring.build_index``), resolves
each query's ``expected`` question texts to item ids, runs every query in each mode and reports
hit@1, hit@3 and MRR@k per mode, overall and per language, plus the hybrid failures (rank > 3).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.retrieval.metrics import Rank, first_rank, hit_at, mrr

HERE = Path(__file__).resolve().parent
DEFAULT_QUERIES = HERE / "queries.jsonl"
DEFAULT_OUT = HERE.parent / "results" / "retrieval.json"
MODES = ("dense", "bm25", "hybrid")
FAIL_RANK = 3  # a hybrid rank worse than this is listed as a failure


class LabelError(ValueError):
    """A query file that cannot be scored: bad lines or labels that match no bank item."""


@dataclass
class Query:
    id: str
    query: str
    lang: str
    expected: list[str]
    expected_ids: list[str] = field(default_factory=list)


def load_queries(path: Path) -> list[Query]:
    queries: list[Query] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            q = Query(
                id=str(obj["id"]),
                query=str(obj["query"]),
                lang=str(obj["lang"]),
                expected=list(obj["expected"]),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            problems.append(f"line {line_no}: {exc!r}")
            continue
        if not q.expected or not q.query.strip():
            problems.append(f"line {line_no} ({q.id}): empty query or expected")
        if q.id in seen:
            problems.append(f"line {line_no}: duplicate id {q.id}")
        seen.add(q.id)
        queries.append(q)
    if problems:
        raise LabelError(f"{path}: " + "; ".join(problems))
    return queries


def resolve_labels(queries: Sequence[Query], bank) -> None:
    """Fill ``expected_ids`` from the bank; raise listing every label that matches no item."""
    missing: list[str] = []
    for q in queries:
        q.expected_ids = []
        for text in q.expected:
            item = bank.find_by_question(text)
            if item is None:
                missing.append(f"{q.id}: {text!r}")
            elif item.id not in q.expected_ids:
                q.expected_ids.append(item.id)
    if missing:
        raise LabelError(f"{len(missing)} label(s) match no bank item:\n  " + "\n  ".join(missing))


def summarise(ranks: Sequence[Rank], k: int) -> dict[str, float]:
    return {
        "hit@1": round(hit_at(ranks, 1), 4),
        "hit@3": round(hit_at(ranks, 3), 4),
        "mrr": round(mrr(ranks, k), 4),
    }


def evaluate(index, queries: Sequence[Query], k: int) -> dict:
    ranks: dict[str, dict[str, Rank]] = {mode: {} for mode in MODES}
    tops: dict[str, list[str]] = {}
    for q in queries:
        for mode in MODES:
            hits = index.search(q.query, k=k, mode=mode)
            ranks[mode][q.id] = first_rank([h.item_id for h in hits], q.expected_ids)
            if mode == "hybrid":
                tops[q.id] = [h.question for h in hits[:3]]

    langs = sorted({q.lang for q in queries})
    report: dict = {
        "n": len(queries),
        "k": k,
        "modes": {m: summarise([ranks[m][q.id] for q in queries], k) for m in MODES},
        "by_lang": {
            lang: {
                "n": sum(1 for q in queries if q.lang == lang),
                **{m: summarise([ranks[m][q.id] for q in queries if q.lang == lang], k) for m in MODES},
            }
            for lang in langs
        },
    }
    report["failures"] = [
        {
            "id": q.id,
            "query": q.query,
            "lang": q.lang,
            "expected": q.expected,
            "rank": {m: ranks[m][q.id] for m in MODES},
            "top": tops[q.id],
        }
        for q in queries
        if ranks["hybrid"][q.id] is None or ranks["hybrid"][q.id] > FAIL_RANK  # type: ignore[operator]
    ]
    report["ranks"] = {q.id: {m: ranks[m][q.id] for m in MODES} for q in queries}
    return report


def format_table(report: dict) -> str:
    lines = [f"retrieval benchmark: {report['n']} queries, MRR@{report['k']}", ""]
    header = f"{'slice':<10}{'n':>5}  {'mode':<8}{'hit@1':>8}{'hit@3':>8}{'mrr':>8}"
    lines += [header, "-" * len(header)]
    slices = [("all", report["n"], report["modes"])]
    slices += [(lang, v["n"], {m: v[m] for m in MODES}) for lang, v in report["by_lang"].items()]
    for name, n, modes in slices:
        for mode in MODES:
            s = modes[mode]
            lines.append(f"{name:<10}{n:>5}  {mode:<8}{s['hit@1']:>8.3f}{s['hit@3']:>8.3f}{s['mrr']:>8.3f}")
        lines.append("")
    failures = report["failures"]
    lines.append(f"hybrid failures (rank > {FAIL_RANK} or not in top {report['k']}): {len(failures)}")
    for f in failures:
        r = f["rank"]
        lines.append(f"- {f['id']} [{f['lang']}] {f['query']}")
        lines.append(f"    expected: {' | '.join(f['expected'])}")
        lines.append(f"    rank hybrid={r['hybrid']} dense={r['dense']} bm25={r['bm25']}")
        for i, q in enumerate(f["top"], start=1):
            lines.append(f"    {i}. {q}")
    return "\n".join(lines)


def build(settings=None):
    from interviewer.settings import Settings
    from interviewer.wiring import ready_index

    def announce(docs_dir):
        print(f"building the index from {docs_dir} (first run embeds the corpus) ...", file=sys.stderr)

    return ready_index(settings or Settings(), ingest_if_missing=True, on_ingest=announce)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.retrieval.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--json", action="store_true", help="print one JSON line instead of the table")
    parser.add_argument("--k", type=int, default=10, help="search depth and MRR cutoff (default 10)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the figures")
    args = parser.parse_args(argv)
    if args.k < FAIL_RANK:
        parser.error(f"--k must be at least {FAIL_RANK}")

    try:
        queries = load_queries(args.queries)
        index = build()
        resolve_labels(queries, index.bank)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    report = evaluate(index, queries, args.k)
    report["seconds"] = round(time.perf_counter() - started, 2)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps({key: report[key] for key in ("n", "modes", "by_lang")}, ensure_ascii=False))
    else:
        print(format_table(report))
        print(f"\nfigures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
