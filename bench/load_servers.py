"""The processes a load run talks to: the server under test in a child process, and the fake LLM."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `tests.fakes` is not an installed package

from tests.fakes.openai_server import Action, FakeOpenAIServer, delay, reply  # noqa: E402

CRITERIA = ("accuracy", "completeness", "depth", "clarity")  # interviewer.grading.models.CRITERIA


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
