"""`interviewer serve --workers 2`, the real server on loopback: two answers racing on one session from two
connections (so, most likely, two worker processes) commit exactly one; the other is 409 and nothing is lost.

The fake LLM grades after a delay, so both requests have loaded the same session version before either
commits, whichever worker each lands on (a worker runs its requests in a thread pool, without a lock).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.corpus import LORA_DOC
from tests.fakes.interview import PG_ENV
from tests.fakes.live_server import free_port
from tests.fakes.openai_server import Action, FakeOpenAIServer, delay, reply
from tests.fakes.subprocess_server import postgres_schema, server_env, wait_ready, with_search_path

ROOT = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 300  # the first start ingests the corpus, then each worker loads the embedder and warms up
LLM_SECONDS = 1.5
GRADE = json.dumps({"score": 6.0, "rubric": [{"criterion": c, "score": 6.0, "comment": "ok"}
                                             for c in ("accuracy", "completeness", "depth", "clarity")],
                    "covered": [1], "missing": [], "flags": [], "summary": "fake grade"})


class SlowLLM(FakeOpenAIServer):
    """Grade JSON for JSON-mode requests (the grader), a short question otherwise (the phraser), both late."""

    def _record(self, request: dict[str, Any], headers: dict[str, str]) -> Action:
        super()._record(request, headers)
        text = GRADE if "response_format" in request else "能结合具体场景再展开说说这一点吗？"
        return delay(LLM_SECONDS, reply(text))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.db'}"  # the SQLite store opens it in WAL mode
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL backend: set {PG_ENV} (e.g. `export {PG_ENV}=$(scripts/start-postgres.sh)`)")
    with postgres_schema(url) as schema:
        yield with_search_path(url, schema)


@pytest.fixture
def two_workers(tmp_path: Path, database_url: str) -> Iterator[tuple[str, int]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "finetune.md").write_text(LORA_DOC, encoding="utf-8")
    llm = SlowLLM().start()
    env = server_env(INTERVIEWER_DATA_DIR=str(tmp_path / "data"), INTERVIEWER_DOCS_DIR=str(docs),
                     INTERVIEWER_DATABASE_URL=database_url, INTERVIEWER_RATE_LIMIT_PER_MINUTE="0",
                     OPENAI_API_KEY="test", OPENAI_BASE_URL=llm.base_url)
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "interviewer", "serve", "--host", "127.0.0.1",
                                 "--port", str(port), "--workers", "2"],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        # ready several times in a row: not just the first worker up
        wait_ready(url, proc, log_path, READY_TIMEOUT, in_a_row=4)
        yield url, proc.pid
    finally:
        proc.send_signal(signal.SIGTERM)  # uvicorn stops its workers
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group this test started
            proc.wait(10)
        llm.stop()


def _workers(root: int) -> int:
    """Child processes of the server: its workers (and possibly multiprocessing's resource tracker)."""
    children = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children += parent == root
    return children


def test_two_workers_racing_on_one_session_commit_one_answer(two_workers: tuple[str, int]) -> None:
    url, server_pid = two_workers
    assert _workers(server_pid) >= 2
    with httpx.Client(base_url=url, trust_env=False, timeout=60) as client:
        started = client.post("/v1/sessions", json={"num_questions": 2})
        assert started.status_code == 201, started.text
        sid, token = started.json()["id"], started.json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    statuses: dict[str, tuple[int, str]] = {}
    gate = threading.Barrier(2, timeout=30)

    def post(text: str) -> None:
        with httpx.Client(base_url=url, trust_env=False, timeout=60) as own:  # its own connection
            gate.wait()
            response = own.post(f"/v1/sessions/{sid}/messages", json={"content": text}, headers=auth)
            statuses[text] = (response.status_code, response.json().get("error", {}).get("code", ""))

    threads = [threading.Thread(target=post, args=(text,)) for text in ("低秩分解 甲", "量化缓存 乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [(200, ""), (409, "concurrent_update")]
    winner = next(text for text, (code, _) in statuses.items() if code == 200)
    loser = next(text for text in statuses if text != winner)

    with httpx.Client(base_url=url, trust_env=False, timeout=60) as client:
        turns = client.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
        assert [t["content"] for t in turns if t["role"] == "candidate"] == [winner]
        retry = client.post(f"/v1/sessions/{sid}/messages", json={"content": loser}, headers=auth)
        assert retry.status_code == 200, retry.text  # the loser, told to reload, answers again
        turns = client.get(f"/v1/sessions/{sid}", headers=auth).json()["turns"]
        assert [t["content"] for t in turns if t["role"] == "candidate"] == [winner, loser]
