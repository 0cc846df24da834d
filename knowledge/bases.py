"""Named knowledge bases on disk: `default` (the seeds: the usual docs folder, index and Chroma collection,
unchanged) and the others, each with its own notes, index generations and Chroma collection:

    <data dir>/kbs/<name>/kb.json    {name, owner, created_at}; owner: a candidate id, or null (made by the CLI)
    <data dir>/kbs/<name>/docs/      the notes, one UTF-8 file per document
    <data dir>/kbs/<name>/index/     index generations, one folder per collection (as the default index)

A document is checked whole (name, type, size, encoding, questions found) before anything is written, and a
change whose ingest fails is undone, so a refused or failed change leaves the knowledge base as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from knowledge.errors import (
    AlreadyExists,
    DocumentTooLarge,
    InvalidDocument,
    InvalidName,
    NoQuestionsFound,
    NotFound,
    TooManyDocuments,
)
from knowledge.index import IngestStats, KnowledgeIndex, ProgressFactory
from knowledge.locks import exclusive
from knowledge.models import SkippedFile
from knowledge.parsing import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, decode_text, parse_file

DEFAULT_KB = "default"
KB_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_DOCUMENT_NAME = 120
FORMATS_HELP = (
    "write each question so the parser can find it, in one of the five seed formats: a markdown heading per "
    "question (`## 1、什么是 LoRA？` then the answer), `**Q1：…？**` blocks, numbered `问题: / 答案要点: / "
    "可能追问:` lists, plain-text `面试题 1：… 解答：…` pairs, or numbered questions under headings "
    "(`### 1. 什么是分词？` then `**回答：**`)"
)


class KnowledgeBaseInfo(BaseModel):
    name: str
    owner: str | None = None  # the candidate id; None: made from the command line (every caller may read it)
    created_at: float = 0.0


class DocumentInfo(BaseModel):
    name: str
    bytes: int
    questions: int  # bank items citing this document


def check_kb_name(name: str) -> str:
    if not KB_NAME.fullmatch(name):
        raise InvalidName(f"invalid knowledge base name {name[:60]!r}: 1-40 characters, lower-case letters, "
                          "digits, '-' and '_', starting with a letter or digit")
    return name


def check_document_name(name: str) -> str:
    """A plain file name with a notes suffix: never a path, a hidden file or a control character."""
    shown = repr(name[:80])
    if not name or len(name) > MAX_DOCUMENT_NAME:
        raise InvalidName(f"invalid document name {shown}: 1-{MAX_DOCUMENT_NAME} characters")
    if "/" in name or "\\" in name or name in {".", ".."} or name.startswith(".") or Path(name).is_absolute():
        raise InvalidName(f"invalid document name {shown}: a plain file name, not a path or a hidden file")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise InvalidName(f"invalid document name {shown}: no control characters")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InvalidDocument(f"unsupported file type for {shown}: only {', '.join(SUPPORTED_SUFFIXES)} notes")
    return name


def collection_for(name: str, embedder_name: str) -> str:
    """The Chroma collection of a knowledge base: its name and a digest of the embedder (vectors of
    different models never mix; at most 52 characters, inside Chroma's limits)."""
    return f"kb-{check_kb_name(name)}-{hashlib.sha1(embedder_name.encode()).hexdigest()[:8]}"


def checked_document(filename: str, data: bytes) -> str:
    """The note as UTF-8 text, after every check an upload must pass; raises with the reason otherwise.
    GB18030/GBK notes are converted; nothing is written."""
    import tempfile

    name = check_document_name(filename)
    if len(data) > MAX_FILE_BYTES:
        raise DocumentTooLarge(f"{name} is too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})")
    try:
        text = decode_text(data, legacy_chinese=True)
    except InvalidDocument as exc:
        raise InvalidDocument(f"{name}: {exc}") from None
    with tempfile.TemporaryDirectory() as staging:  # parse_file applies the ingest's own caps
        path = Path(staging) / name
        path.write_text(text, encoding="utf-8")
        try:
            items = parse_file(path, name)
        except DocumentTooLarge as exc:
            raise DocumentTooLarge(f"{name}: {exc}") from None
    if not items:
        raise NoQuestionsFound(f"no questions found in {name}: {FORMATS_HELP}")
    return text


class KnowledgeBaseFolders:
    """The knowledge bases under `root` (`<data dir>/kbs`): their folders and metadata, and the changes to
    their documents (each under the knowledge base's lock, undone when the ingest fails)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, name: str) -> Path:
        return self.root / check_kb_name(name)

    def docs_dir(self, name: str) -> Path:
        return self.folder(name) / "docs"

    def index_root(self, name: str) -> Path:
        return self.folder(name) / "index"

    def get(self, name: str) -> KnowledgeBaseInfo:
        meta = self.folder(name) / "kb.json"
        if name == DEFAULT_KB or not meta.is_file():
            raise NotFound(f"unknown knowledge base {name!r}")
        return KnowledgeBaseInfo.model_validate_json(meta.read_text(encoding="utf-8"))

    def all(self) -> list[KnowledgeBaseInfo]:
        if not self.root.is_dir():
            return []
        names = sorted(p.name for p in self.root.iterdir() if KB_NAME.fullmatch(p.name) and (p / "kb.json").is_file())
        return [self.get(name) for name in names]

    def create(self, name: str, owner: str | None, now: float) -> KnowledgeBaseInfo:
        folder = self.folder(name)
        if name == DEFAULT_KB:
            raise AlreadyExists(f"{DEFAULT_KB!r} is the built-in knowledge base (the seed notes)")
        info = KnowledgeBaseInfo(name=name, owner=owner, created_at=now)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".new-{name}-{secrets.token_hex(4)}"
        (staging / "docs").mkdir(parents=True)
        (staging / "kb.json").write_text(info.model_dump_json(), encoding="utf-8")
        try:
            os.rename(staging, folder)  # atomic; refused when the folder exists
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            raise AlreadyExists(f"a knowledge base named {name!r} exists already") from None
        return info

    def remove(self, name: str) -> None:
        """Delete the folder (renamed out of sight first, so a crash never leaves half a knowledge base)."""
        self.get(name)
        with self.changing(name):
            tomb = self.root / f".deleted-{name}-{secrets.token_hex(4)}"
            os.rename(self.folder(name), tomb)
        shutil.rmtree(tomb, ignore_errors=True)

    def documents(self, name: str, index: KnowledgeIndex | None = None) -> list[DocumentInfo]:
        counts: dict[str, int] = {}
        if index is not None and index.is_ready():
            for item in index.bank.summaries():
                for source in item.sources:
                    counts[source] = counts.get(source, 0) + 1
        return [DocumentInfo(name=p.name, bytes=p.stat().st_size, questions=counts.get(p.name, 0))
                for p in _notes(self.docs_dir(name))]

    @contextlib.contextmanager
    def changing(self, name: str) -> Iterator[None]:
        """One change at a time per knowledge base, across processes (a second is refused at once)."""
        folder = self.folder(name)
        if not folder.is_dir():
            raise NotFound(f"unknown knowledge base {name!r}")
        with exclusive(folder / "kb.lock", f"another change to knowledge base {name!r} is running; try again"):
            yield

    def add_document(self, name: str, index: KnowledgeIndex, filename: str, data: bytes,
                     max_documents: int) -> IngestStats:
        text = checked_document(filename, data)
        docs = self.docs_dir(name)
        with self.changing(name):
            present = [p.name for p in _notes(docs)]
            if filename in present:
                raise AlreadyExists(f"{name!r} already has a document named {filename!r}: delete it first")
            if len(present) >= max_documents:
                raise TooManyDocuments(f"{name!r} holds {len(present)} documents, the most allowed "
                                       f"(INTERVIEWER_KB_MAX_DOCUMENTS={max_documents})")
            target = docs / filename
            tmp = docs / f".upload-{secrets.token_hex(4)}"  # hidden: the parser never reads it
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
            try:
                return index.ingest(docs)
            except BaseException:
                target.unlink(missing_ok=True)  # the previous generation is still live: as it was
                raise

    def remove_document(self, name: str, index: KnowledgeIndex, filename: str) -> None:
        check_document_name(filename)
        docs = self.docs_dir(name)
        with self.changing(name):
            target = docs / filename
            if not target.is_file():
                raise NotFound(f"{name!r} has no document named {filename!r}")
            parked = docs / f".removing-{secrets.token_hex(4)}"
            os.replace(target, parked)
            try:
                if _notes(docs):
                    index.ingest(docs)
                else:
                    index.clear()
            except BaseException:
                os.replace(parked, target)
                raise
            parked.unlink(missing_ok=True)

    def ingest_folder(self, name: str, index: KnowledgeIndex, source_dir: Path | None, max_documents: int,
                      now: float, rebuild: bool = False, progress: ProgressFactory | None = None) -> IngestStats:
        """The command line's ingest: the knowledge base's documents become the notes in `source_dir` (its
        files, not subfolders; each checked as an upload, the refused ones reported as skipped), swapped in
        once the ingest succeeded. A new name is made without an owner, and removed again if its first ingest
        fails. Without `source_dir`: its own notes ingested again."""
        if source_dir is None:
            self.get(name)
            return index.ingest(self.docs_dir(name), rebuild=rebuild, progress=progress)
        try:
            self.get(name)
            created = False
        except NotFound:
            self.create(name, None, now)
            created = True
        try:
            return self._replace_documents(name, index, source_dir, max_documents, rebuild, progress)
        except BaseException:
            if created:
                self.remove(name)
                index.store.drop()
            raise

    def _replace_documents(self, name: str, index: KnowledgeIndex, source_dir: Path, max_documents: int,
                           rebuild: bool, progress: ProgressFactory | None) -> IngestStats:
        if not source_dir.is_dir():
            raise NotFound(f"docs folder not found: {source_dir}")
        accepted: dict[str, str] = {}
        refused: list[SkippedFile] = []
        for path in sorted(source_dir.iterdir()):
            if path.name.startswith("."):
                continue
            if not path.is_file():
                refused.append(SkippedFile(path=path.name, reason="a folder (only the files directly in DIR are read)"))
                continue
            try:
                accepted[path.name] = checked_document(path.name, path.read_bytes())
            except (InvalidDocument, InvalidName) as exc:
                refused.append(SkippedFile(path=path.name, reason=str(exc)))
        if not accepted:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in refused[:5])
            raise NoQuestionsFound(f"no usable notes in {source_dir}" + (f" ({reasons})" if reasons else ""))
        if len(accepted) > max_documents:
            raise TooManyDocuments(f"{len(accepted)} notes; a knowledge base holds at most {max_documents} "
                                   f"(INTERVIEWER_KB_MAX_DOCUMENTS)")
        folder = self.folder(name)
        with self.changing(name):
            staged = folder / f".docs-{secrets.token_hex(4)}"
            staged.mkdir()
            for filename, text in accepted.items():
                (staged / filename).write_text(text, encoding="utf-8")
            try:
                stats = index.ingest(staged, rebuild=rebuild, progress=progress)
            except BaseException:
                shutil.rmtree(staged, ignore_errors=True)
                raise
            old = folder / f".old-docs-{secrets.token_hex(4)}"
            os.rename(folder / "docs", old)
            os.rename(staged, folder / "docs")
            shutil.rmtree(old, ignore_errors=True)
        return stats.model_copy(update={"skipped": refused + stats.skipped})


def _notes(docs: Path) -> list[Path]:
    if not docs.is_dir():
        return []
    return sorted(p for p in docs.iterdir() if p.is_file() and not p.name.startswith("."))

