"""Load test from a second process on loopback: the real server in a child, simulated candidates here.

    python -m bench.load [--candidates 50] [--workers 1] [--llm-delay 0[,200]] [--think-ms 0] [--json]
                         [--grade-flood 0[,15]] [--data-dir DIR] [--profile FILE] [--deadline 900]

Starts `python -m interviewer serve` on a free port (rate limit off; INTERVIEWER_DATA_DIR = --data-dir, an
ingested index, or a temporary one over ONE seed file so ingest is short; sessions always go to a fresh
SQLite file), waits for /readyz, learns the bank through the API (GET /v1/questions, then /v1/search for
each question's reference text), runs one unmeasured warm-up interview, then N concurrent candidates.
Each starts a practice interview, answers every question and follow-up with sentences of the reference
(or off-topic text, or a non-answer) until `done`, then reads its report. Every request has a timeout and
the invocation a deadline; the server is always stopped.

--llm-delay D (ms, > 0): LLM mode against the fake OpenAI-compatible server of tests/fakes, run in this
process, answering a valid grade (JSON-mode requests) or a question (phrasing) after D ms. The LLM calls of
a turn are known from its reply (a grade by "llm": one call; a new question or follow-up: one phrasing
call), checked against the calls the fake server saw, and overhead = turn latency - calls x D.

--grade-flood F (> 0): F more clients post 20,000-character answers to POST /v1/grade back to back while
the candidates run (no pause; a 503/429 is answered by waiting its Retry-After): what one heavy user of the
grading API does to interviews in progress. Their status codes are reported apart from the candidates'.

Figures: turn latency p50/p95/p99 (each POST .../messages), turns/s over the measured phase, errors (any
non-2xx, listed), server peak RSS (sum of VmHWM over the server's process tree). Written to
bench/load-results.json (runs merged by key); --json prints them as one line. The client shares the
machine's cores with the server: on 2 cores its own CPU use is part of what slows the server.

This module is the CLI and the run; bench.load_servers, bench.load_client and bench.load_stats hold the parts.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.load_client import Run, candidate, learn_bank
from bench.load_servers import ROOT, RoutingFakeLLM, Server, cpu_seconds, server_env
from bench.load_stats import profile_top, save, summarise, table

DEFAULT_OUT = ROOT / "bench" / "load-results.json"
SEED_DOC = ROOT / "knowledge" / "docs" / "000_3fa855decd6a7823.txt"


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run_once(args: argparse.Namespace, llm_delay_ms: float, work: Path, deadline: float,
                   flood: int = 0) -> dict[str, Any]:
    seconds = llm_delay_ms / 1000
    key = f"{'offline' if not seconds else f'llm-{llm_delay_ms:g}ms'}-w{args.workers}-c{args.candidates}" + (
        f"-think{args.think_ms:g}ms" if args.think_ms else "") + (f"-flood{flood}" if flood else "") + ("-unique" if args.unique_answers else "")
    result: dict[str, Any] = {"key": key, "mode": "llm" if seconds else "offline", "llm_delay_ms": llm_delay_ms,
                              "workers": args.workers, "candidates": args.candidates, "questions": args.questions,
                              "think_ms": args.think_ms, "grade_flood": flood}
    profile = Path(args.profile).with_suffix(f".{key}.txt") if args.profile else None
    fake = RoutingFakeLLM(seconds).start() if seconds else None
    server: Server | None = None
    try:
        data_dir = Path(args.data_dir) if args.data_dir else work / "data"
        env = server_env(data_dir, work / "docs", work / f"sessions-{key}.db", fake.base_url if fake else None)
        server = Server(args.workers, env, work / f"server-{key}.log", profile)
        limits = httpx.Limits(max_connections=args.candidates + flood + 8,
                              max_keepalive_connections=args.candidates + flood + 8)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=args.timeout, limits=limits) as client:
            log(f"{key}: starting the server on {server.base_url}")
            await measure(args, client, server, fake, deadline, result, flood)
    finally:
        if server is not None:
            server.stop()
            result["server_log_errors"] = server.log_errors()
        if fake is not None:
            fake.stop()
    if profile is not None and profile.exists():
        result["profile"] = str(profile)
        result["profile_top"] = profile_top(profile)
    return result


async def flood_grader(client: httpx.AsyncClient, stop: asyncio.Event, statuses: collections.Counter[str],
                       answer: str) -> None:
    """Post a long answer to /v1/grade again and again until told to stop, honouring Retry-After."""
    body = {"question": "什么是 LoRA？", "answer": answer, "reference": "LoRA 冻结预训练权重，只训练低秩矩阵。"}
    while not stop.is_set():
        try:
            response = await client.post("/v1/grade", json=body)
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
            continue
        statuses[str(response.status_code)] += 1
        if response.status_code in (429, 503):
            wait = float(response.headers.get("retry-after", "1") or 1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)


async def measure(args: argparse.Namespace, client: httpx.AsyncClient, server: Server, fake: RoutingFakeLLM | None,
                  deadline: float, result: dict[str, Any], flood: int = 0) -> None:
    seconds, key = (fake.seconds if fake else 0.0), result["key"]
    started = time.perf_counter()
    await server.wait_ready(client, max(1.0, deadline - time.monotonic()))
    result["ready_s"] = round(time.perf_counter() - started, 1)
    bank = await asyncio.wait_for(learn_bank(client), max(1.0, deadline - time.monotonic()))
    log(f"{key}: ready in {result['ready_s']} s; {len(bank)} questions; warm-up interview")
    warm = Run(client, bank, args.questions, 0, seconds)
    await asyncio.wait_for(candidate(warm, -1, args.seed), max(1.0, deadline - time.monotonic()))
    if warm.stats.errors:
        raise RuntimeError(f"the warm-up interview failed: {warm.stats.errors[:3]}")
    calls_before = len(fake.requests) if fake else 0
    run = Run(client, bank, args.questions, args.think_ms, seconds, unique=args.unique_answers)
    log(f"{key}: {args.candidates} candidates")
    result["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    server_cpu, own_cpu = cpu_seconds(server.pids()), time.process_time()
    stop, flood_statuses = asyncio.Event(), collections.Counter[str]()
    long_answer = ("LoRA 在预训练权重旁边加入两个低秩矩阵，训练时冻结原权重，只更新低秩矩阵。" * 600)[:20_000]
    flooders = [asyncio.create_task(flood_grader(client, stop, flood_statuses, long_answer)) for _ in range(flood)]
    started = time.perf_counter()
    tasks = [asyncio.create_task(candidate(run, n, args.seed)) for n in range(args.candidates)]
    _, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
    stop.set()
    await asyncio.gather(*flooders, return_exceptions=True)
    if flood:
        result["flood_statuses"] = dict(flood_statuses)
    for task in pending:
        task.cancel()
        run.stats.error("deadline", "deadline", "the candidate had not finished at the deadline")
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.perf_counter() - started
    server_cpu, own_cpu = cpu_seconds(server.pids()) - server_cpu, time.process_time() - own_cpu
    result.update(summarise(run.stats, wall, seconds))
    result["server_cpu_s"], result["client_cpu_s"] = round(server_cpu, 2), round(own_cpu, 2)
    result["server_cpu_ms_per_turn"] = round(1000 * server_cpu / max(1, len(run.stats.turns)), 1)
    result["server_peak_rss_mb"] = round(server.hwm_kb() / 1024, 1)
    result["server_sampled_rss_mb"] = round(server.peak_rss_kb / 1024, 1)
    result["server_processes"] = len(server.pids())
    if fake is not None:
        result["llm_calls_seen"] = len(fake.requests) - calls_before


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--llm-delay", default="0", help="ms, comma-separated for several runs (0: offline)")
    parser.add_argument("--questions", type=int, default=3, help="per interview")
    parser.add_argument("--grade-flood", default="0",
                        help="clients posting 20k-character answers to /v1/grade meanwhile; comma-separated for runs")
    parser.add_argument("--unique-answers", action="store_true",
                        help="tag each sentence of each answer so none repeats (no help from embedding caches)")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause before each answer (uniform ±50%%)")
    parser.add_argument("--data-dir", help="an ingested INTERVIEWER_DATA_DIR (default: a temp index of one seed file)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--deadline", type=float, default=900.0, help="seconds for the whole invocation")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", help="py-spy the server; raw samples to FILE.<run>.txt, top functions printed")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args(argv)
    args.delays = [float(d) for d in str(args.llm_delay).split(",") if d.strip()]
    args.floods = [int(f) for f in str(args.grade_flood).split(",") if f.strip()]
    if args.candidates < 1 or args.workers < 1 or args.questions < 1 or any(d < 0 for d in args.delays) \
            or any(f < 0 for f in args.floods):
        parser.error("candidates, workers and questions must be >= 1, delays and floods >= 0")
    if args.profile and not shutil.which("py-spy"):
        parser.error("--profile needs py-spy (pip install py-spy)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    deadline = time.monotonic() + args.deadline
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="interviewer-load-") as tmp:
        work = Path(tmp)
        (work / "docs").mkdir()
        shutil.copy(SEED_DOC, work / "docs" / SEED_DOC.name)
        for llm_delay, flood in [(d, f) for d in args.delays for f in args.floods]:
            try:
                results.append(asyncio.run(run_once(args, llm_delay, work, deadline, flood)))
            except (RuntimeError, TimeoutError, httpx.HTTPError) as exc:
                log(f"run with llm-delay {llm_delay:g} ms failed: {exc}")
                results.append({"key": f"failed-llm{llm_delay:g}ms", "errors": 1, "failure": str(exc)[:2000]})
    save(Path(args.out), [r for r in results if "turn_ms" in r])
    print(table(results))
    for r in results:
        for line in r.get("profile_top", []):
            print(f"  {r['key']}: {line}")
        for err in r.get("error_list", [])[:5]:
            print(f"  {r['key']} error: {err}")
    if args.json:
        print(json.dumps({"runs": results}, ensure_ascii=False))
    return 1 if any(r.get("errors") for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
