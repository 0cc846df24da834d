"""Load test from a second process on loopback: the real server in a child, simulated candidates here.

    python -m bench.load [--candidates 50] [--workers 1] [--llm-delay 0[,200]] [--think-ms 0] [--json]
                         [--data-dir DIR] [--profile FILE] [--deadline 900]

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

Figures: turn latency p50/p95/p99 (each POST .../messages), turns/s over the measured phase, errors (any
non-2xx, listed), server peak RSS (sum of VmHWM over the server's process tree). Written to
bench/load-results.json (runs merged by key); --json prints them as one line. The client shares the
machine's cores with the server: on 2 cores its own CPU use is part of what slows the server.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests.fakes` is not an installed package

from tests.fakes.openai_server import Action, FakeOpenAIServer, delay, reply  # noqa: E402

DEFAULT_OUT = ROOT / "bench" / "load-results.json"
SEED_DOC = ROOT / "knowledge" / "docs" / "000_3fa855decd6a7823.txt"
CRITERIA = ("accuracy", "completeness", "depth", "clarity")  # interviewer.grading.models.CRITERIA
MAX_TURNS = 40  # per interview: more means the server never ends it (an error)
MAX_BANK = 400  # questions whose reference text is fetched before the run
TARGET_P95_MS = 300.0
NON_ANSWERS = ("不知道", "这个我不太清楚，跳过吧", "不会")
OFF_TOPIC = "RAID 1 把数据镜像到两块磁盘上，一块坏了另一块还能继续工作。"
SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- the fake LLM -----------------------------------------------------------------------------


def grade_json(score: float, covered: list[int], missing: list[int]) -> str:
    return json.dumps({"score": score, "rubric": [{"criterion": c, "score": score, "comment": "ok"} for c in CRITERIA],
                       "covered": covered, "missing": missing, "flags": [], "summary": "fake grade"},
                      ensure_ascii=False)


GRADES = (grade_json(8.5, [1, 2, 3], []), grade_json(5.0, [1], [2, 3]), grade_json(2.0, [], [1, 2]))


class RoutingFakeLLM(FakeOpenAIServer):
    """Grade JSON for JSON-mode requests (the grader), a short question otherwise (the phraser)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(default=delay(seconds, reply(GRADES[0])))
        self.seconds = seconds

    def _record(self, request: dict[str, Any], headers: dict[str, str]) -> Action:
        super()._record(request, headers)  # keeps the request log
        if "response_format" in request:
            last = str(request.get("messages", [{}])[-1].get("content", ""))
            return delay(self.seconds, reply(GRADES[zlib.crc32(last.encode()) % len(GRADES)]))
        return delay(self.seconds, reply("能结合具体场景再展开说说这一点吗？"))

    def start(self) -> RoutingFakeLLM:
        super().start()
        # ThreadingHTTPServer listens with a backlog of 5: a burst of 40 connects would wait for SYN retries.
        self._server.socket.listen(256)  # type: ignore[union-attr]
        return self


# -- the server process -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                children[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (/proc/PID/stat utime, stime)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Server:
    """`python -m interviewer serve` in its own process group; py-spy around it with `profile`."""

    def __init__(self, workers: int, env: dict[str, str], log_path: Path, profile: Path | None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "interviewer", "serve", "--host", "127.0.0.1", "--port", str(self.port),
               "--workers", str(workers)]
        if profile is not None:
            cmd = ["py-spy", "record", "--nonblocking", "--subprocesses", "--format", "raw", "-r", "50", "-o", str(profile), "--", *cmd]
        self.profiling = profile is not None
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.peak_rss_kb = 0
        self._sampling = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._sampler.start()

    def pids(self) -> list[int]:
        tree = process_tree(self.proc.pid)
        return tree[1:] if self.profiling else tree  # not py-spy itself

    def hwm_kb(self) -> int:
        return sum(status_kb(pid, "VmHWM") for pid in self.pids())

    def _sample(self) -> None:
        while not self._sampling.wait(0.25) and self.proc.poll() is None:
            self.peak_rss_kb = max(self.peak_rss_kb, sum(status_kb(pid, "VmRSS") for pid in self.pids()))

    async def wait_ready(self, client: httpx.AsyncClient, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"{self.base_url}/readyz", timeout=5)
                if response.status_code == 200:
                    return
                if response.json().get("status") == "failed":
                    raise RuntimeError(f"the server failed to start: {response.text}\n{self.log_tail()}")
            await asyncio.sleep(0.5)
        raise TimeoutError(f"the server was not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def log_errors(self) -> list[str]:
        """ERROR / Traceback lines of the server's log (an unhandled error is logged there as well as a 500)."""
        with contextlib.suppress(OSError):
            lines = self.log_path.read_text(errors="replace").splitlines()
            return [line[:300] for line in lines if "ERROR" in line or line.startswith("Traceback")][:10]
        return []

    def stop(self) -> None:
        """SIGTERM (uvicorn stops its workers; py-spy writes its profile when the server exits), then SIGKILL."""
        self._sampling.set()
        if self.proc.poll() is None:
            targets = self.pids()[:1] if self.profiling else [self.proc.pid]
            for pid in targets:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30 if self.profiling else 15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the group this process started
                self.proc.wait(timeout=10)
        self._log.close()


def server_env(data_dir: Path, docs_dir: Path, db_path: Path, llm_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERVIEWER_", "OPENAI_"))}
    env.update({
        "INTERVIEWER_DATA_DIR": str(data_dir),
        "INTERVIEWER_DOCS_DIR": str(docs_dir),
        "INTERVIEWER_DATABASE_URL": f"sqlite:///{db_path}",
        "INTERVIEWER_RATE_LIMIT_PER_MINUTE": "0",
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
    })
    if llm_url:
        env.update({"OPENAI_API_KEY": "test", "OPENAI_BASE_URL": llm_url})
    return env


# -- the candidates ---------------------------------------------------------------------------


@dataclass
class Stats:
    turns: list[float] = field(default_factory=list)  # seconds per POST .../messages
    overhead: list[float] = field(default_factory=list)  # turn minus its LLM calls x delay
    starts: list[float] = field(default_factory=list)
    reports: list[float] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    actions: collections.Counter[str] = field(default_factory=collections.Counter)
    graders: collections.Counter[str] = field(default_factory=collections.Counter)
    llm_calls: int = 0  # inferred from the replies
    finished: int = 0

    def error(self, phase: str, status: int | str, detail: str) -> None:
        self.errors.append({"phase": phase, "status": status, "detail": detail[:300]})


@dataclass
class Run:
    client: httpx.AsyncClient
    bank: dict[str, list[str]]  # item id -> reference sentences
    questions: int
    think_ms: float
    llm_delay: float  # seconds; 0 offline
    stats: Stats = field(default_factory=Stats)


async def request(run: Run, phase: str, method: str, url: str, **kwargs: Any) -> tuple[dict[str, Any] | None, float]:
    started = time.perf_counter()
    try:
        response = await run.client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        run.stats.error(phase, type(exc).__name__, str(exc))
        return None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    if not response.is_success:
        run.stats.error(phase, response.status_code, response.text)
        return None, elapsed
    return response.json(), elapsed


def compose_answer(rng: random.Random, run: Run, item_id: str | None, follow_ups: int) -> str:
    """Sentences of the reference (later ones for a follow-up), sometimes off topic or a non-answer."""
    draw = rng.random()
    if draw < 0.10:
        return rng.choice(NON_ANSWERS)
    sentences = run.bank.get(item_id or "") or [OFF_TOPIC]
    if draw < 0.18:
        return OFF_TOPIC
    first = min(follow_ups * 2 + rng.randint(0, 1), len(sentences) - 1)
    text = "".join(sentences[first : first + rng.randint(1, 3)])
    return ("我的理解是：" + text)[:400]


def llm_calls_of(reply_body: dict[str, Any]) -> int:
    grade = reply_body.get("evaluation") or {}
    graded = grade.get("grader") in ("llm", "offline-fallback")
    phrased = reply_body.get("action") in ("next", "follow_up") and not reply_body.get("done")
    return int(graded) + int(phrased)


async def candidate(run: Run, n: int, seed: int) -> None:
    rng = random.Random(seed * 100_003 + n)
    stats = run.stats
    body, elapsed = await request(run, "start", "POST", "/v1/sessions",
                                  json={"num_questions": run.questions, "mode": "practice"})
    stats.starts.append(elapsed)
    if body is None:
        return
    stats.llm_calls += int(run.llm_delay > 0)  # the first question is phrased
    sid, state, follow_ups = body["id"], body["state"], 0
    auth = {"Authorization": f"Bearer {body['token']}"}
    for _ in range(MAX_TURNS):
        if run.think_ms:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * run.think_ms / 1000)
        content = compose_answer(rng, run, state.get("item_id"), follow_ups)
        body, elapsed = await request(run, "turn", "POST", f"/v1/sessions/{sid}/messages",
                                      json={"content": content}, headers=auth)
        if body is None:
            return
        calls = llm_calls_of(body) if run.llm_delay else 0
        stats.turns.append(elapsed)
        stats.overhead.append(elapsed - calls * run.llm_delay)
        stats.llm_calls += calls
        stats.actions[body["action"]] += 1
        if body.get("evaluation"):
            stats.graders[body["evaluation"]["grader"]] += 1
        if body["done"]:
            break
        follow_ups = follow_ups + 1 if body["action"] == "follow_up" else 0
        state = body["state"]
    else:
        stats.error("turn", "no_end", f"session {sid} still open after {MAX_TURNS} turns")
        return
    report, elapsed = await request(run, "report", "GET", f"/v1/sessions/{sid}/report", headers=auth)
    stats.reports.append(elapsed)
    if report is not None:
        if report.get("status") not in (None, "finished"):
            stats.error("report", "not_final", f"report status {report.get('status')!r}")
        else:
            stats.finished += 1


async def learn_bank(client: httpx.AsyncClient) -> dict[str, list[str]]:
    """item id -> sentences of its reference passages, through the public API (questions carry no answers)."""
    items: list[dict[str, Any]] = []
    while len(items) < MAX_BANK:
        page = (await client.get("/v1/questions", params={"limit": 100, "offset": len(items)})).raise_for_status()
        batch = page.json()["items"]
        items += batch
        if not batch or len(items) >= page.json()["total"]:
            break
    gate = asyncio.Semaphore(4)

    async def fetch(item: dict[str, Any]) -> tuple[str, list[str]]:
        async with gate:
            response = await client.get("/v1/search", params={"q": item["question"][:2000], "k": 5})
        hits = response.raise_for_status().json()["hits"]
        own = [h["text"] for h in hits if h["item_id"] == item["id"]] or [item["question"]]
        sentences = [s.strip() for s in SENTENCE_END.split("\n".join(own)) if len(s.strip()) >= 4]
        return item["id"], sentences or [item["question"]]

    return dict(await asyncio.gather(*(fetch(i) for i in items[:MAX_BANK])))


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


async def run_once(args: argparse.Namespace, llm_delay_ms: float, work: Path, deadline: float) -> dict[str, Any]:
    seconds = llm_delay_ms / 1000
    key = f"{'offline' if not seconds else f'llm-{llm_delay_ms:g}ms'}-w{args.workers}-c{args.candidates}" + (
        f"-think{args.think_ms:g}ms" if args.think_ms else "")
    result: dict[str, Any] = {"key": key, "mode": "llm" if seconds else "offline", "llm_delay_ms": llm_delay_ms,
                              "workers": args.workers, "candidates": args.candidates, "questions": args.questions,
                              "think_ms": args.think_ms}
    profile = Path(args.profile).with_suffix(f".{key}.txt") if args.profile else None
    fake = RoutingFakeLLM(seconds).start() if seconds else None
    server: Server | None = None
    try:
        data_dir = Path(args.data_dir) if args.data_dir else work / "data"
        env = server_env(data_dir, work / "docs", work / f"sessions-{key}.db", fake.base_url if fake else None)
        server = Server(args.workers, env, work / f"server-{key}.log", profile)
        limits = httpx.Limits(max_connections=args.candidates + 8, max_keepalive_connections=args.candidates + 8)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=args.timeout, limits=limits) as client:
            log(f"{key}: starting the server on {server.base_url}")
            await measure(args, client, server, fake, deadline, result)
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


async def measure(args: argparse.Namespace, client: httpx.AsyncClient, server: Server, fake: RoutingFakeLLM | None,
                  deadline: float, result: dict[str, Any]) -> None:
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
    run = Run(client, bank, args.questions, args.think_ms, seconds)
    log(f"{key}: {args.candidates} candidates")
    result["loadavg_before"] = [round(x, 2) for x in os.getloadavg()]
    server_cpu, own_cpu = cpu_seconds(server.pids()), time.process_time()
    started = time.perf_counter()
    tasks = [asyncio.create_task(candidate(run, n, args.seed)) for n in range(args.candidates)]
    _, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
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


def summarise(stats: Stats, wall: float, llm_delay: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "turns": len(stats.turns), "wall_s": round(wall, 2),
        "turns_per_s": round(len(stats.turns) / wall, 2) if wall else None,
        "turn_ms": {"p50": pct(stats.turns, 50), "p95": pct(stats.turns, 95), "p99": pct(stats.turns, 99),
                    "max": round(max(stats.turns) * 1000, 1) if stats.turns else None},
        "start_ms": {"p50": pct(stats.starts, 50), "p95": pct(stats.starts, 95)},
        "report_ms": {"p50": pct(stats.reports, 50), "p95": pct(stats.reports, 95)},
        "interviews_finished": stats.finished, "actions": dict(stats.actions), "graders": dict(stats.graders),
        "errors": len(stats.errors), "error_list": stats.errors[:20],
    }
    if not llm_delay:
        out["p95_under_target"] = (pct(stats.turns, 95) or 0) < TARGET_P95_MS
    if llm_delay:
        out["llm_calls_inferred"] = stats.llm_calls
        out["overhead_ms"] = {"p50": pct(stats.overhead, 50), "p95": pct(stats.overhead, 95),
                              "p99": pct(stats.overhead, 99),
                              "mean": round(statistics.fmean(stats.overhead) * 1000, 1) if stats.overhead else None}
    return out


def profile_top(path: Path, n: int = 15) -> list[str]:
    """Share of the server's non-idle samples (py-spy raw: `frame;frame;... count`) per function, inclusive."""
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in set(stack.split(";")):
            name = frame.split(" (")[0]
            where = frame[frame.find("(") + 1 : frame.rfind(")")].split("/")[-1] if "(" in frame else ""
            inclusive[f"{name} ({where.split(':')[0]})"] += int(count)
    skip = ("_bootstrap", "run (threading.py)", "worker (thread.py)", "<module>", "run (runners.py)", "_run (events.py)")
    top = [(k, v) for k, v in inclusive.most_common() if not any(s in k for s in skip)]
    return [f"{100 * v / total:5.1f}%  {k}" for k, v in top[:n]] if total else []


# -- output -----------------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    head = (f"{'run':<34} {'turns':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'turn/s':>7} {'err':>4} {'RSS MB':>7} "
            f"{'CPU/turn':>8} {'ovh p50':>8} {'ovh p95':>8}")
    rows = [head, "-" * len(head)]
    for r in results:
        t, o = r.get("turn_ms", {}), r.get("overhead_ms", {})
        rows.append(f"{r['key']:<34} {r.get('turns', 0):>5} {t.get('p50') or '-':>7} {t.get('p95') or '-':>7} "
                    f"{t.get('p99') or '-':>7} {r.get('turns_per_s') or '-':>7} {r.get('errors', '-'):>4} "
                    f"{r.get('server_peak_rss_mb', '-'):>7} {r.get('server_cpu_ms_per_turn', '-'):>8} "
                    f"{o.get('p50') or '-':>8} {o.get('p95') or '-':>8}")
    rows.append("ms per POST /v1/sessions/{id}/messages; CPU/turn: server CPU ms per turn; ovh = latency - "
                f"LLM calls x delay; target: offline p95 < {TARGET_P95_MS:g} ms with 1 worker")
    return "\n".join(rows)


def save(path: Path, results: list[dict[str, Any]]) -> None:
    existing: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        existing = json.loads(path.read_text())
    runs = existing.get("runs", {}) if isinstance(existing.get("runs"), dict) else {}
    for r in results:
        runs[r["key"]] = {**r, "at": datetime.now(UTC).isoformat(timespec="seconds"),
                          "cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    path.write_text(json.dumps({"runs": runs}, ensure_ascii=False, indent=1) + "\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--llm-delay", default="0", help="ms, comma-separated for several runs (0: offline)")
    parser.add_argument("--questions", type=int, default=3, help="per interview")
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
    if args.candidates < 1 or args.workers < 1 or args.questions < 1 or any(d < 0 for d in args.delays):
        parser.error("candidates, workers and questions must be >= 1, delays >= 0")
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
        for llm_delay in args.delays:
            try:
                results.append(asyncio.run(run_once(args, llm_delay, work, deadline)))
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
