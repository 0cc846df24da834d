"""Scale-out, as the README's "Scale out" section runs it: one Chroma server, one PostgreSQL, two separate
`interviewer serve` processes on two ports, each with its own data dir. Host A ingests (embeds every chunk
into the Chroma server); host B's ingest finds the vectors there and embeds none. One interview then
alternates between the two (started on A, answered on B, then A, ...; report on A) and loses nothing.

Skipped unless PostgreSQL (INTERVIEWER_TEST_DATABASE_URL, see scripts/start-postgres.sh) and the `chroma`
CLI (part of chromadb) are both available.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.corpus import LORA_DOC, RAG_DOC
from tests.fakes.interview import PG_ENV
from tests.fakes.live_server import free_port
from tests.fakes.subprocess_server import postgres_schema, server_env, wait_ready, with_search_path

ROOT = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 300  # each host loads the embedder and warms the grader before /readyz says ready
CHROMA_EXE = Path(sys.executable).with_name("chroma")  # chromadb's CLI beside the interpreter


def chroma_exe() -> str | None:
    return str(CHROMA_EXE) if CHROMA_EXE.exists() else shutil.which("chroma")


pytestmark = [
    pytest.mark.skipif(not os.environ.get(PG_ENV),
                       reason=f"scale-out needs PostgreSQL: export {PG_ENV}=$(scripts/start-postgres.sh)"),
    pytest.mark.skipif(chroma_exe() is None, reason="scale-out needs the `chroma` CLI (pip install chromadb)"),
]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not listen on port {port} within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this test started
        proc.wait(10)


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """`chroma run --path DIR --host 127.0.0.1 --port PORT`."""
    port = free_port()
    exe = chroma_exe()
    assert exe is not None
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait_for_port(port, proc, "chroma server")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture
def database_url() -> Iterator[str]:
    """The test cluster's URL with a schema of its own (both hosts use this same URL)."""
    url = os.environ[PG_ENV]
    with postgres_schema(url) as schema:
        yield with_search_path(url, schema)


def host_env(data_dir: Path, docs: Path, chroma_url: str, database_url: str) -> dict[str, str]:
    """One host's environment: its own data dir, the shared Chroma server and PostgreSQL."""
    return server_env(INTERVIEWER_DATA_DIR=str(data_dir), INTERVIEWER_DOCS_DIR=str(docs),
                      INTERVIEWER_CHROMA_URL=chroma_url, INTERVIEWER_DATABASE_URL=database_url,
                      INTERVIEWER_INGEST_ON_START="false",  # a host without the index fails /readyz, never ingests
                      INTERVIEWER_RATE_LIMIT_PER_MINUTE="0")


def ingest(env: dict[str, str]) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-m", "interviewer", "ingest", "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


@pytest.fixture
def two_hosts(tmp_path: Path, chroma_url: str, database_url: str) -> Iterator[tuple[str, str, list[dict[str, int]]]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "finetune.md").write_text(LORA_DOC, encoding="utf-8")
    (docs / "rag.md").write_text(RAG_DOC, encoding="utf-8")
    envs = [host_env(tmp_path / f"host-{name}", docs, chroma_url, database_url) for name in "ab"]
    stats = [ingest(env) for env in envs]  # A embeds every chunk; B finds them in the server
    procs: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for name, env in zip("ab", envs, strict=True):
            port = free_port()
            log = (tmp_path / f"serve-{name}.log").open("wb")
            procs.append(subprocess.Popen([sys.executable, "-m", "interviewer", "serve", "--host", "127.0.0.1",
                                           "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc, name in zip(urls, procs, "ab", strict=True):
            wait_ready(url, proc, tmp_path / f"serve-{name}.log", READY_TIMEOUT)
        yield urls[0], urls[1], stats
    finally:
        for proc in procs:
            stop(proc)


ANSWERS = ["冻结预训练权重，旁路加入低秩矩阵 A 和 B，只训练它们，推理时合并回原权重。",
           "缓存历史 token 的 Key 和 Value，避免重复计算；显存随序列长度线性增长。",
           "先检索相关文档再生成，减少幻觉，知识更新不需要重新训练。",
           "不太清楚。"]


def test_one_interview_alternating_between_two_hosts_loses_nothing(
        two_hosts: tuple[str, str, list[dict[str, int]]]) -> None:
    url_a, url_b, (ingest_a, ingest_b) = two_hosts
    assert ingest_a["embedded"] == ingest_a["chunks"] > 0
    assert ingest_b["embedded"] == 0 and ingest_b["chunks"] == ingest_a["chunks"]  # vectors shared, not re-made
    with httpx.Client(base_url=url_a, trust_env=False, timeout=120) as a, \
            httpx.Client(base_url=url_b, trust_env=False, timeout=120) as b:
        # Both hosts search the same vectors.
        hits = [host.get("/v1/search", params={"q": "检索增强生成", "k": 3}).json() for host in (a, b)]
        assert [(h["item_id"], h["lines"]) for h in hits[0]["hits"]] == [(h["item_id"], h["lines"]) for h in hits[1]["hits"]]
        assert hits[0]["hits"]

        started = a.post("/v1/sessions", json={"num_questions": 3})
        assert started.status_code == 201, started.text
        sid, token = started.json()["id"], started.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        sent: list[str] = []
        hosts = [b, a]  # the first answer goes to B, the next to A, and so on
        done = False
        for turn in range(12):
            host = hosts[turn % 2]
            text = ANSWERS[turn % len(ANSWERS)]
            reply = host.post(f"/v1/sessions/{sid}/messages", json={"content": text}, headers=auth)
            assert reply.status_code == 200, (turn, reply.text)
            sent.append(text)
            done = reply.json()["done"]
            if done:
                break
        assert done, "the interview did not end within 12 answers"
        assert len(sent) >= 3

        transcripts = [host.get(f"/v1/sessions/{sid}", headers=auth).json() for host in (a, b)]
        assert transcripts[0]["turns"] == transcripts[1]["turns"]
        assert [t["content"] for t in transcripts[0]["turns"] if t["role"] == "candidate"] == sent
        report = a.get(f"/v1/sessions/{sid}/report", headers=auth)
        assert report.status_code == 200, report.text
        assert report.json() == b.get(f"/v1/sessions/{sid}/report", headers=auth).json()
        assert len(report.json()["questions"]) == 3
