"""The real server (embedded default, a tiny corpus) killed with SIGKILL mid-interview resumes the session."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.corpus import LORA_DOC
from tests.fakes.live_server import free_port
from tests.fakes.subprocess_server import server_env, wait_ready

ROOT = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 300  # the first start ingests the corpus (loads the embedder, embeds ~15 chunks)



class Server:
    def __init__(self, tmp_path: Path) -> None:
        docs = tmp_path / "docs"
        docs.mkdir()
        (docs / "finetune.md").write_text(LORA_DOC, encoding="utf-8")
        self.data_dir = tmp_path / "data"
        self.log = tmp_path / "server.log"
        self.env = server_env(INTERVIEWER_DATA_DIR=str(self.data_dir), INTERVIEWER_DOCS_DIR=str(docs),
                              INTERVIEWER_RATE_LIMIT_PER_MINUTE="0")
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "interviewer.api.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        wait_ready(self.url, self.proc, self.log, READY_TIMEOUT)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, trust_env=False, timeout=60)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path)
    try:
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()


def test_a_killed_server_resumes_every_session(server: Server) -> None:
    server.start()
    with server.client() as client:
        started = client.post("/v1/sessions", json={"num_questions": 2})
        assert started.status_code == 201, started.text
        sid, token = started.json()["id"], started.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        first = client.post(f"/v1/sessions/{sid}/messages", json={"content": "LoRA 会冻结预训练权重。"}, headers=auth)
        assert first.status_code == 200, first.text
        before = client.get(f"/v1/sessions/{sid}", headers=auth).json()

    server.kill()  # no shutdown hook runs: only what was committed survives
    server.start()

    with server.client() as client:
        after = client.get(f"/v1/sessions/{sid}", headers=auth).json()
        assert after["turns"] == before["turns"] and after["state"] == before["state"]
        second = client.post(f"/v1/sessions/{sid}/messages", json={"content": "只训练低秩矩阵 A 和 B，推理时合并回原权重。"},
                             headers=auth)
        assert second.status_code == 200, second.text
        final = client.get(f"/v1/sessions/{sid}", headers=auth).json()
    assert final["turns"][: len(before["turns"])] == before["turns"]
    candidate = [t["content"] for t in final["turns"] if t["role"] == "candidate"]
    assert candidate == ["LoRA 会冻结预训练权重。", "只训练低秩矩阵 A 和 B，推理时合并回原权重。"]

    with sqlite3.connect(server.data_dir / "sessions.db") as db:
        seqs = [row[0] for row in db.execute("SELECT seq FROM turns WHERE session_id = ? ORDER BY seq", (sid,))]
    assert seqs == list(range(len(final["turns"])))


def test_a_killed_server_keeps_the_candidates_progress_and_review_queue(server: Server) -> None:
    server.start()
    with server.client() as client:
        token = client.post("/v1/candidates", json={"name": "k"}).json()["token"]
        me = {"Authorization": f"Bearer {token}"}
        started = client.post("/v1/sessions", json={"num_questions": 2}, headers=me)
        assert started.status_code == 201, started.text
        sid = started.json()["id"]
        skipped = client.post(f"/v1/sessions/{sid}/messages", json={"content": "不知道"}, headers=me)
        assert skipped.status_code == 200, skipped.text
        before = client.get("/v1/candidates/me/progress", headers=me).json()
        assert before["attempts"] == 1

    server.kill()  # the attempt was committed with the turn that closed the question
    server.start()

    with server.client() as client:
        after = client.get("/v1/candidates/me/progress", headers=me).json()
        assert after == before
        assert client.get("/v1/candidates/me/reviews", headers=me).json()["scheduled"] == 1
        assert client.get(f"/v1/sessions/{sid}", headers=me).status_code == 200
