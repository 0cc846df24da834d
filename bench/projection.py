"""A paper projection to a bank N times the seeds and C concurrent candidates, from measured figures only.

    python -m bench.projection [--scale 1000] [--candidates 10000] [--answer-every 60,10] [--busy 0.7]

Reads bench/results.json (`make bench`: seeds and synthetic 100x), bench/bm25-results.json,
bench/workers-cache-results.json (bench.load, CPU per turn), bench/background-results.json
(bench.background_scale, the grader's per-turn cost against the bank) and prints every input (measured, with
its file) and every step of the arithmetic as Markdown. Nothing here is measured at N; the assumptions are
printed with the figures they produce.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
GIB = 2**30
MIB = 2**20


def load(name: str) -> Any:
    return json.loads((BENCH / name).read_text(encoding="utf-8"))


def measured() -> dict[str, tuple[float, str]]:
    """Every input: value and where it comes from."""
    res, bm25, cache, bg = (load("results.json"), load("bm25-results.json"),
                            load("workers-cache-results.json"), load("background-results.json"))
    seeds, syn = res["seeds"], res["synthetic"]
    unique = [r for r in cache["embedding_cache_unique_answers"]["runs"] if r["file"].startswith("u-new")]
    scales = bg["scales"]
    top = max(scales, key=int)
    return {
        "seed_chunks": (seeds["first_ingest"]["chunks"], "results.json seeds.first_ingest.chunks"),
        "syn_scale": (syn["scale"], "results.json synthetic.scale"),
        "syn_chunks": (syn["ingest"]["chunks"], "results.json synthetic.ingest.chunks"),
        "syn_items": (syn["ingest"]["items"], "results.json synthetic.ingest.items"),
        "syn_chars_per_chunk": (syn["ingest"]["embed_chars"] / syn["ingest"]["chunks"],
                                "results.json synthetic.ingest.embed_chars / chunks"),
        "embed_chunks_per_s": (seeds["first_ingest"]["chunks_per_s"], "results.json seeds.first_ingest (real ingest)"),
        "embed_chars_per_s_passive": (res["embedder_env"]["OMP_WAIT_POLICY=PASSIVE"]["passage_batch"]["chars_per_s"],
                                      "results.json embedder_env PASSIVE (embedder alone, today's setting)"),
        "syn_chroma_bytes": (syn["ingest"]["chroma_bytes"], "results.json synthetic.ingest.chroma_bytes"),
        "syn_tables_bytes": (syn["ingest"]["tables_bytes"], "results.json synthetic.ingest.tables_bytes"),
        "syn_store_add_s": (syn["ingest"]["store_add_seconds"],
                            "results.json synthetic.ingest.store_add_seconds (512 per upsert)"),
        "chroma_ms_seeds": (seeds["query"]["dense_breakdown"]["chroma_query"]["p50"], "results.json seeds chroma p50"),
        "chroma_ms_syn": (syn["query"]["dense_breakdown"]["chroma_query"]["p50"], "results.json synthetic chroma p50"),
        "bm25_ms_seeds": (bm25["seeds"]["current"]["p50_ms"], "bm25-results.json seeds p50"),
        "bm25_ms_syn": (bm25["synthetic 100x"]["current"]["p50_ms"], "bm25-results.json 100x p50"),
        "rss_query_seeds": (seeds["query"]["peak_rss_mib"], "results.json seeds.query.peak_rss_mib"),
        "rss_query_syn": (syn["query"]["peak_rss_mib"], "results.json synthetic.query.peak_rss_mib"),
        "cpu_ms_turn": (statistics.fmean(r["server_cpu_ms_per_turn"] for r in unique),
                        "workers-cache-results.json unique answers, after (mean of runs)"),
        "turns_per_s_worker": (statistics.fmean(r["turns_per_s"] for r in unique),
                               "same runs: one worker, 50 candidates, no pause (saturated)"),
        "rss_worker_seeds": (max(r["server_peak_rss_mb"] for r in unique), "same runs: server peak RSS"),
        "grade_ms_1x": (scales["1"]["grade_ms_p50"], "background-results.json 1x (grade, embeddings cached)"),
        "grade_ms_top": (scales[top]["grade_ms_p50"], f"background-results.json {top}x"),
        "grade_top_scale": (int(top), "background-results.json largest scale"),
        "background_mib_top": (scales[top]["background_mib"], f"background-results.json {top}x background"),
        "background_rows_1x": (scales["1"]["background_rows"], "background-results.json 1x rows"),
    }


def power_law(at_1: float, at_syn: float, syn_scale: float, scale: float) -> tuple[float, float]:
    """(exponent fitted through the seeds and the synthetic point, value at `scale`)."""
    exponent = math.log(at_syn / at_1) / math.log(syn_scale)
    return exponent, at_syn * (scale / syn_scale) ** exponent


def project(m: dict[str, float], scale: float, candidates: int, answer_every: list[float], busy: float) -> list[str]:
    out: list[str] = []

    def row(what: str, arithmetic: str, value: str) -> None:
        out.append(f"| {what} | {arithmetic} | **{value}** |")

    k = scale / m["syn_scale"]  # how far beyond the measured synthetic corpus
    chunks = m["syn_chunks"] * k
    out += [f"### Bank {scale:,.0f}× the seeds, {candidates:,} concurrent candidates", "",
            "| quantity | arithmetic (measured inputs, assumptions A1–A6) | projected |", "|---|---|---|"]
    row("chunks / questions (A1)", f"{m['syn_chunks']:,.0f} × {k:g} / {m['syn_items']:,.0f} × {k:g}",
        f"{chunks:,.0f} / {m['syn_items'] * k:,.0f}")
    hours = chunks / m["embed_chunks_per_s"] / 3600
    hours_passive = chunks * m["syn_chars_per_chunk"] / m["embed_chars_per_s_passive"] / 3600
    row("first ingest: embedding, one 2-core machine", f"{chunks:,.0f} / {m['embed_chunks_per_s']} chunks/s; "
        f"{chunks:,.0f} × {m['syn_chars_per_chunk']:.1f} chars / {m['embed_chars_per_s_passive']:.0f} chars/s",
        f"{hours:.1f} h; {hours_passive:.1f} h (passive OpenMP)")
    upsert_h = m["syn_store_add_s"] / m["syn_chunks"] * chunks / 3600
    row("first ingest: Chroma upserts (A2)", f"{m['syn_store_add_s']:.0f} s / {m['syn_chunks']:,.0f} × {chunks:,.0f}",
        f"{upsert_h:.1f} h")
    chroma_gib = m["syn_chroma_bytes"] / m["syn_chunks"] * chunks / GIB
    tables_gib = m["syn_tables_bytes"] / m["syn_chunks"] * chunks / GIB
    row("Chroma on disk (server)", f"{m['syn_chroma_bytes'] / m['syn_chunks']:,.0f} B/chunk × {chunks:,.0f}",
        f"{chroma_gib:.1f} GiB")
    row("bank, chunk table, BM25 on disk (every host)", f"{m['syn_tables_bytes'] / m['syn_chunks']:,.0f} B/chunk × "
        f"{chunks:,.0f}", f"{tables_gib:.1f} GiB")
    e_chroma, chroma_ms = power_law(m["chroma_ms_seeds"], m["chroma_ms_syn"], m["syn_scale"], scale)
    row("Chroma query p50 (A3)", f"{m['chroma_ms_syn']} ms × {k:g}^{e_chroma:.2f}", f"{chroma_ms:.0f} ms")
    e_bm25, bm25_ms = power_law(m["bm25_ms_seeds"], m["bm25_ms_syn"], m["syn_scale"], scale)
    row("BM25 query p50 (A3)", f"{m['bm25_ms_syn']} ms × {k:g}^{e_bm25:.2f}", f"{bm25_ms:.1f} ms")

    per_scale = (m["grade_ms_top"] - m["grade_ms_1x"]) / (m["grade_top_scale"] - 1)
    background_ms = per_scale * (scale - 1)
    cpu_ms = m["cpu_ms_turn"] + background_ms
    row("grader background per turn (A4)", f"({m['grade_ms_top']} − {m['grade_ms_1x']}) ms / "
        f"{m['grade_top_scale'] - 1:g} × {scale - 1:g}", f"+{background_ms:.0f} ms")
    row("CPU per offline turn", f"{m['cpu_ms_turn']:.1f} ms (seeds bank) + {background_ms:.0f} ms", f"{cpu_ms:.0f} ms")
    target = 300.0
    breaks_at = 1 + (target - m["cpu_ms_turn"]) / per_scale
    row("bank size where one turn's CPU alone passes 300 ms", f"1 + (300 − {m['cpu_ms_turn']:.1f}) / {per_scale:.3f}",
        f"{breaks_at:,.0f}× the seeds")
    background_mib = m["background_mib_top"] / m["grade_top_scale"] * scale
    growth_mib = (m["rss_query_syn"] - m["rss_query_seeds"]) / (m["syn_scale"] - 1) * (scale - 1)
    rss_gib = (m["rss_worker_seeds"] + growth_mib + background_mib) / 1024
    row("RSS per worker process (A5)", f"{m['rss_worker_seeds']:.0f} MiB + ({m['rss_query_syn']:.0f} − "
        f"{m['rss_query_seeds']:.0f}) / {m['syn_scale'] - 1:g} × {scale - 1:g} + {background_mib:,.0f} MiB background",
        f"{rss_gib:.1f} GiB")
    for every in answer_every:
        turns = candidates / every
        seeds_cores = turns * m["cpu_ms_turn"] / 1000
        cores = turns * cpu_ms / 1000
        workers = math.ceil(cores / busy)
        row(f"turns/s, one answer per {every:g} s per candidate (A6)", f"{candidates:,} / {every:g}", f"{turns:,.0f}")
        row("  cores busy: seeds bank / this bank", f"{turns:,.0f} × {m['cpu_ms_turn']:.1f} ms; × {cpu_ms:.0f} ms",
            f"{seeds_cores:,.1f} / {cores:,.1f}")
        row(f"  workers at {busy:.0%} busy (one worker ≈ one core) and their memory",
            f"⌈{cores:,.1f} / {busy}⌉; × {rss_gib:.1f} GiB", f"{workers:,} workers, {workers * rss_gib:,.0f} GiB")
        row("  PostgreSQL commits/s (one per turn)", f"{turns:,.0f}", f"{turns:,.0f}")
    out += ["", "Measured inputs:", ""]
    return out


ASSUMPTIONS = [
    "A1: chunks and questions grow linearly with the bank (measured: 100× the seed files gave 99.6× the chunks).",
    "A2: upsert time per chunk stays what it was at 100× (512 chunks per upsert, as ingest sends them): HNSW "
    "inserts grow ~log n, so this is an upper bound if nothing else grows.",
    "A3: a query's time follows the power law through the two measured points (seeds, 100×); HNSW search "
    "grows ~log n in theory, so this is likely pessimistic for Chroma.",
    "A4: the only part of a turn's CPU that grows with the bank is the grader's background comparison "
    "(every answer sentence against every key point of the bank, bench.background_scale), linear in the "
    "rows between its two outermost measured points; the turn's Chroma `get` of its item's point vectors "
    "and PostgreSQL's load + commit are taken as constant (not measured at scale).",
    "A5: a worker's memory grows like the query process's measured 1×→100× growth (embedded Chroma included: "
    "with a Chroma server part of it moves to the server; the split was not measured), plus the grader's "
    "background matrix (float32, measured size).",
    "A6: a candidate sends one answer every 60 s (typing; assumed) or every 10 s (bench.load's --think-ms "
    "10000, pessimistic); interview turns are offline-graded (no LLM).",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1000)
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--answer-every", default="60,10", help="seconds between a candidate's answers")
    parser.add_argument("--busy", type=float, default=0.7, help="target CPU utilisation of a worker")
    args = parser.parse_args(argv)
    inputs = measured()
    values = {name: value for name, (value, _) in inputs.items()}
    lines = project(values, args.scale, args.candidates, [float(s) for s in args.answer_every.split(",")], args.busy)
    lines += [f"* `{name}` = {value:,.4g} ({source})" for name, (value, source) in inputs.items()]
    lines += ["", "Assumptions:", "", *[f"* {a}" for a in ASSUMPTIONS]]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
