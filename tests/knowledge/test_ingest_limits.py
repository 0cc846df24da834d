"""Ingest cannot be pointed out of its docs folder or blown up by one file, and says why it refused."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import knowledge.index as index_module
import knowledge.parsing as parsing
from knowledge.errors import InvalidInput
from knowledge.index import KnowledgeIndex
from knowledge.parsing import parse_corpus
from tests.fakes.corpus import LORA_DOC, RAG_DOC


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "lora.md").write_text(LORA_DOC, encoding="utf-8")
    return folder


def test_a_link_out_of_the_docs_folder_is_refused(docs: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(RAG_DOC, encoding="utf-8")  # parseable: only the link's target makes it off limits
    (docs / "link.md").symlink_to(secret)
    (docs / "inside.md").symlink_to(docs / "lora.md")  # a link within the folder is fine
    parsed = parse_corpus(docs)
    assert [(s.path, "outside the docs folder" in s.reason) for s in parsed.skipped] == [("link.md", True)]
    assert "link.md" not in parsed.files and "inside.md" in parsed.files
    assert not any("RAG" in item.question for item in parsed.items)


def test_a_file_with_too_many_passages_is_refused_with_the_reason(docs: Path, monkeypatch) -> None:
    (docs / "rag.md").write_text(RAG_DOC, encoding="utf-8")
    monkeypatch.setattr(parsing, "MAX_CHUNKS_PER_FILE", 5)  # lora.md has 9 passages, rag.md fewer
    parsed = parse_corpus(docs)
    assert [s.path for s in parsed.skipped] == ["lora.md"]
    assert "too many passages (9 from 2 questions; the limit is 5 per file): split the file" in parsed.skipped[0].reason
    assert list(parsed.files) == ["rag.md"]


def test_when_every_file_is_refused_the_error_says_why(tmp_path: Path, e5) -> None:
    from knowledge.store import ChromaStore

    docs = tmp_path / "only"
    docs.mkdir()
    (docs / "big.md").write_bytes(b"# x\n" + b"a" * (parsing.MAX_FILE_BYTES + 1))
    index = KnowledgeIndex(tmp_path / "index", e5, ChromaStore("limits", path=tmp_path / "chroma"))
    with pytest.raises(InvalidInput, match=r"skipped big\.md: file too large \(\d+ bytes; the limit is 5000000\)"):
        index.ingest(docs)
    assert not index.is_ready()


def test_large_work_is_announced_before_it_starts(small_index: KnowledgeIndex, docs: Path, monkeypatch,
                                                  caplog) -> None:
    monkeypatch.setattr(index_module, "LARGE_INGEST", 3)
    with caplog.at_level(logging.WARNING, logger="knowledge.index"):
        stats = small_index.ingest(docs)
    assert stats.embedded == 9
    assert any("embedding 9 new passages" in r.getMessage() for r in caplog.records)


def test_a_second_ingest_of_the_same_index_is_refused_while_one_runs(small_index: KnowledgeIndex, docs: Path) -> None:
    import fcntl

    from knowledge.errors import Conflict

    small_index.index_dir.mkdir(parents=True, exist_ok=True)
    with (small_index.index_dir / "ingest.lock").open("a+") as held:  # as another process's ingest holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(Conflict, match="another ingest .* is running"):
            small_index.ingest(docs)
        fcntl.flock(held, fcntl.LOCK_UN)
    assert not small_index.is_ready()  # the refused ingest wrote nothing
    assert small_index.ingest(docs).items == 2  # and the lock is free again afterwards
