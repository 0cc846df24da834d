"""knowledge.bases: a knowledge base's notes, each checked whole before anything is written; a refused or
failed change leaves the knowledge base as it was; a removed note takes its items and vectors with it."""

from __future__ import annotations

from pathlib import Path

import pytest

import knowledge.parsing as parsing
from knowledge.bases import (
    KnowledgeBaseFolders,
    check_document_name,
    check_kb_name,
    checked_document,
    collection_for,
)
from knowledge.errors import (
    AlreadyExists,
    Conflict,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    NoQuestionsFound,
    NotFound,
    TooManyDocuments,
)
from knowledge.index import KnowledgeIndex
from knowledge.store import ChromaStore
from tests.fakes.embedder import HashingEmbedder
from tests.fakes.notes import MD_HEADINGS, NOTES, PLAIN_NOTES, Q_BLOCKS

KB = "notes"


@pytest.fixture
def folders(tmp_path: Path) -> KnowledgeBaseFolders:
    folders = KnowledgeBaseFolders(tmp_path / "kbs")
    folders.create(KB, "cand-1", 1.0)
    return folders


@pytest.fixture
def index(tmp_path: Path, folders: KnowledgeBaseFolders) -> KnowledgeIndex:
    embedder = HashingEmbedder()
    store = ChromaStore(collection_for(KB, embedder.name), path=tmp_path / "chroma")
    return KnowledgeIndex(folders.index_root(KB) / "hashing", embedder, store)


def add(folders: KnowledgeBaseFolders, index: KnowledgeIndex, name: str, data: str | bytes, cap: int = 50) -> None:
    folders.add_document(KB, index, name, data.encode() if isinstance(data, str) else data, cap)


def snapshot(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> tuple[object, ...]:
    """What a caller can observe of a knowledge base: its documents, its vectors, what search finds."""
    fresh = KnowledgeIndex(index.index_dir, index.embedder, index.store)
    hits = [(h.item_id, h.source) for h in fresh.search("什么是 B+ 树 索引", k=10)] if fresh.is_ready() else []
    return (folders.documents(KB, fresh), sorted(index.store.ids()), hits,
            sorted(p.name for p in folders.docs_dir(KB).iterdir()))


def test_every_seed_format_is_accepted_and_searchable(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> None:
    for name, (text, _questions) in NOTES.items():
        add(folders, index, name, text)
    docs = {d.name: d.questions for d in folders.documents(KB, index)}
    assert docs == {name: len(questions) for name, (_text, questions) in NOTES.items()}
    assert sorted(item.question for item in index.bank.items) == sorted(q for _t, qs in NOTES.values() for q in qs)
    for name, (_text, questions) in NOTES.items():
        top = index.search(questions[0], k=1)[0]
        assert (top.question, top.source) == (questions[0], name)


def _gbk_notes() -> bytes:
    return MD_HEADINGS.encode("gb18030")


BAD: list[tuple[str, str, bytes, type[Exception], str]] = [
    ("binary", "blob.md", b"# x\n\x00\x01\x02", InvalidDocument, "binary file (contains NUL bytes)"),
    ("latin-1", "latin.md", "## 什么是 B+ 树？\n\n".encode() + b"caf\xe9 cr\xe8me", InvalidDocument,
     "not valid UTF-8 nor GB18030/GBK Chinese"),
    ("utf-16", "wide.md", "## 什么是 RAG？".encode("utf-16"), InvalidDocument, "UTF-16 encoded"),
    ("empty", "empty.md", b"  \n\n", InvalidDocument, "empty file"),
    ("no questions", "prose.md", "今天天气很好，我们去公园散步。\n".encode(), NoQuestionsFound,
     "no questions found in prose.md: write each question"),
    ("wrong type", "notes.pdf", MD_HEADINGS.encode(), InvalidDocument, "only .md, .markdown, .txt notes"),
    ("no extension", "notes", MD_HEADINGS.encode(), InvalidDocument, "unsupported file type"),
    ("parent path", "../x.md", MD_HEADINGS.encode(), InvalidName, "not a path"),
    ("sub path", "a/b.md", MD_HEADINGS.encode(), InvalidName, "not a path"),
    ("absolute", "/etc/x.md", MD_HEADINGS.encode(), InvalidName, "not a path"),
    ("backslash", "a\\b.md", MD_HEADINGS.encode(), InvalidName, "not a path"),
    ("hidden", ".x.md", MD_HEADINGS.encode(), InvalidName, "hidden file"),
    ("nul in name", "x\x00.md", MD_HEADINGS.encode(), InvalidName, "control characters"),
    ("empty name", "", MD_HEADINGS.encode(), InvalidName, "1-120 characters"),
    ("too large", "big.md", b"# x\n" + b"a" * (parsing.MAX_FILE_BYTES + 1), DocumentTooLarge, "the limit is 5,000,000"),
    ("duplicate", "db.md", Q_BLOCKS.encode(), AlreadyExists, "already has a document named 'db.md'"),
]


@pytest.mark.parametrize(("name", "data", "error", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_note_is_refused_with_its_reason_and_changes_nothing(
    folders: KnowledgeBaseFolders, index: KnowledgeIndex, name: str, data: bytes, error: type[Exception], message: str
) -> None:
    add(folders, index, "db.md", MD_HEADINGS)
    before = snapshot(folders, index)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        add(folders, index, name, data)
    assert snapshot(folders, index) == before


def test_too_many_passages_is_refused_with_the_ingest_cap(folders: KnowledgeBaseFolders, index: KnowledgeIndex,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_CHUNKS_PER_FILE", 3)
    with pytest.raises(DocumentTooLarge, match=r"db\.md: too many passages .* split the file"):
        add(folders, index, "db.md", MD_HEADINGS)
    assert folders.documents(KB) == [] and not index.is_ready()


def test_the_document_cap_is_enforced(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> None:
    add(folders, index, "db.md", MD_HEADINGS, cap=1)
    with pytest.raises(TooManyDocuments, match="holds 1 documents, the most allowed"):
        add(folders, index, "cache.txt", PLAIN_NOTES, cap=1)
    assert [d.name for d in folders.documents(KB)] == ["db.md"]


def test_a_gb18030_note_is_converted_to_utf8(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> None:
    add(folders, index, "gbk.md", _gbk_notes())
    assert (folders.docs_dir(KB) / "gbk.md").read_text(encoding="utf-8") == MD_HEADINGS
    assert sorted(i.question for i in index.bank.items) == ["什么是 B+ 树？", "什么是 MVCC？"]


def test_a_failed_ingest_takes_the_new_note_back(folders: KnowledgeBaseFolders, index: KnowledgeIndex,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    add(folders, index, "db.md", MD_HEADINGS)
    add(folders, index, "distributed.md", Q_BLOCKS)
    before = snapshot(folders, index)

    def broken(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index, "ingest", broken)
    with pytest.raises(OSError, match="disk full"):
        add(folders, index, "cache.txt", PLAIN_NOTES)
    with pytest.raises(OSError, match="disk full"):
        folders.remove_document(KB, index, "db.md")
    monkeypatch.undo()
    assert snapshot(folders, index) == before


def test_removing_a_note_removes_its_items_and_vectors(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> None:
    add(folders, index, "db.md", MD_HEADINGS)
    add(folders, index, "cache.txt", PLAIN_NOTES)
    db_chunks = {cid for cid, chunk in index.chunks.items() if chunk.source == "db.md"}
    assert db_chunks and db_chunks <= index.store.ids()

    folders.remove_document(KB, index, "db.md")
    assert [d.name for d in folders.documents(KB, index)] == ["cache.txt"]
    assert not db_chunks & index.store.ids()
    assert all(i.references[0].source == "cache.txt" for i in index.bank.items)
    assert all(h.source == "cache.txt" for h in index.search("什么是 B+ 树", k=5))

    with pytest.raises(NotFound, match="no document named 'db.md'"):
        folders.remove_document(KB, index, "db.md")
    folders.remove_document(KB, index, "cache.txt")  # the last one: nothing is served, no vector is left
    assert not index.is_ready() and index.store.count() == 0 and folders.documents(KB) == []
    add(folders, index, "db.md", MD_HEADINGS)  # and it can be filled again
    assert index.search("B+ 树", k=1)[0].source == "db.md"


def test_one_change_at_a_time(folders: KnowledgeBaseFolders, index: KnowledgeIndex) -> None:
    with folders.changing(KB), pytest.raises(Conflict, match="another change"):
        add(folders, index, "db.md", MD_HEADINGS)
    assert folders.documents(KB) == []


def test_the_notes_of_a_folder_replace_the_old_ones_and_refused_files_are_reported(
    tmp_path: Path, folders: KnowledgeBaseFolders, index: KnowledgeIndex
) -> None:
    add(folders, index, "old.md", Q_BLOCKS)
    source = tmp_path / "mine"
    (source / "sub").mkdir(parents=True)
    for name, (text, _questions) in NOTES.items():
        (source / name).write_text(text, encoding="utf-8")
    (source / "empty.txt").write_text("", encoding="utf-8")
    (source / "picture.png").write_bytes(b"\x89PNG\x00")
    stats = folders.ingest_folder(KB, index, source, max_documents=50, now=2.0)
    assert stats.items == 10
    assert {s.path for s in stats.skipped} == {"empty.txt", "picture.png", "sub"}
    assert sorted(d.name for d in folders.documents(KB)) == sorted(NOTES)


@pytest.mark.parametrize("name", ["", "Notes", "-x", "a" * 41, "a/b", "..", "a.b", "名字", "x\x00"])
def test_bad_knowledge_base_names(name: str) -> None:
    with pytest.raises(InvalidName, match="invalid knowledge base name"):
        check_kb_name(name)


def test_names_and_collections(tmp_path: Path, folders: KnowledgeBaseFolders) -> None:
    assert check_kb_name("a" * 40) and check_document_name("我的笔记.md") == "我的笔记.md"
    with pytest.raises(AlreadyExists):
        folders.create(KB, None, 2.0)
    with pytest.raises(AlreadyExists, match="built-in"):
        folders.create("default", None, 2.0)
    assert [kb.name for kb in folders.all()] == [KB] and folders.get(KB).owner == "cand-1"
    assert collection_for(KB, "a") != collection_for(KB, "b") and len(collection_for("a" * 40, "x" * 200)) <= 63
    folders.remove(KB)
    with pytest.raises(NotFound):
        folders.get(KB)
    assert checked_document("n.md", MD_HEADINGS.encode()) == MD_HEADINGS
