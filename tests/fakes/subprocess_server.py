"""Helpers for tests that run the service as real processes (`interviewer serve`, uvicorn, ingest): a clean
environment, a PostgreSQL schema of their own, and waiting until /readyz answers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def server_env(**settings: str) -> dict[str, str]:
    """This environment without INTERVIEWER_*/OPENAI_* settings or proxies, offline, plus `settings`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("INTERVIEWER_", "OPENAI_")) and k not in {"HTTP_PROXY", "HTTPS_PROXY"}}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    env.update(settings)
    return env


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema in the cluster at `url` for the block (tests never see each other's rows); dropped after."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def with_search_path(url: str, schema: str) -> str:
    """`url` with `schema` as its search path (a URL every process of a test can be given)."""
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


def wait_ready(url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float, in_a_row: int = 1) -> None:
    """Poll `url`/readyz until it answers 200 `in_a_row` times running (a fresh connection each time, so
    every worker of a multi-worker server gets asked); fail with the log's tail if the process exits first."""
    answers = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with httpx.Client(base_url=url, trust_env=False, timeout=5) as client:
                answers = answers + 1 if client.get("/readyz").status_code == 200 else 0
            if answers >= in_a_row:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"server not ready in {timeout} s:\n{log_path.read_text()[-3000:]}")
