"""The child processes of bench.run: a bench.scenarios scenario, `interviewer search` from a cold start,
and bench/llm_overhead.py, each with its own environment and INTERVIEWER_DATA_DIR.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.scenarios import RESULT_PREFIX

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DOCS = ROOT / "knowledge" / "docs"


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
