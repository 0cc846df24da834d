"""The named knowledge bases a service or the CLI serves: who may see and change each, and, per knowledge base,
its index and an Interview over its bank, opened on first use and cached.

`default` is the App's own index and interview (the seeds), read-only here. A knowledge base made with a
candidate token belongs to that candidate: only its token sees, changes or interviews on it. One made from the
command line has no owner: every caller may search and interview on it, only the command line changes it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from knowledge.bases import DEFAULT_KB, DocumentInfo, KnowledgeBaseFolders, KnowledgeBaseInfo, check_kb_name
from knowledge.errors import EmptyKnowledgeBase, Forbidden
from knowledge.index import CURRENT, KnowledgeIndex
from knowledge.models import Hit

if TYPE_CHECKING:
    from interviewer.session.interview import Interview
    from knowledge.bank import QuestionBank


class Searchable(Protocol):
    """What search needs of an index (KnowledgeIndex, or the tests' keyword index)."""

    def search(self, query: str, k: int = 5, topics: list[str] | None = None) -> list[Hit]: ...


@dataclass(frozen=True)
class ServedKB:
    """One knowledge base ready to serve: its index (search) and an interview over its bank."""

    name: str
    index: Searchable
    interview: Interview

    @property
    def bank(self) -> QuestionBank:
        return self.interview.bank


class KnowledgeBases:
    """`default` plus the knowledge bases under `folders`. `open_index(name)` builds a knowledge base's index
    (its own collection and index folder); `interview_over(index)` the interview over its loaded bank."""

    def __init__(self, folders: KnowledgeBaseFolders, default: ServedKB,
                 open_index: Callable[[str], KnowledgeIndex], interview_over: Callable[[KnowledgeIndex], Interview],
                 max_documents: int = 50, clock: Callable[[], float] = time.time) -> None:
        self.folders = folders
        self.default = default
        self._open_index = open_index
        self._interview_over = interview_over
        self.max_documents = max_documents
        self._clock = clock
        self._lock = threading.RLock()
        self._indexes: dict[str, tuple[float, KnowledgeIndex]] = {}  # name -> (its created_at, index)
        self._served: dict[str, tuple[str, ServedKB]] = {}  # name -> (generation pointer, served)

    # -- who may do what ---------------------------------------------------------------------
    def info(self, name: str) -> KnowledgeBaseInfo:
        if name == DEFAULT_KB:
            return KnowledgeBaseInfo(name=DEFAULT_KB)
        return self.folders.get(check_kb_name(name))

    def readable(self, name: str, candidate_id: str | None) -> KnowledgeBaseInfo:
        """The knowledge base when the caller may read it (no owner, or the caller owns it)."""
        info = self.info(name)
        if info.owner is not None and info.owner != candidate_id:
            raise Forbidden(f"knowledge base {name!r} belongs to another candidate: send its owner's token")
        return info

    def writable(self, name: str, candidate_id: str | None) -> KnowledgeBaseInfo:
        info = self.readable(name, candidate_id)
        if info.owner is None:
            raise Forbidden(f"knowledge base {name!r} is read-only here: "
                            + ("the seed notes" if name == DEFAULT_KB else "it is managed from the command line "
                               f"(`interviewer ingest --docs DIR --kb {name}`)"))
        return info

    def visible(self, candidate_id: str | None) -> list[KnowledgeBaseInfo]:
        return [self.info(DEFAULT_KB)] + [kb for kb in self.folders.all() if kb.owner in {None, candidate_id}]

    # -- changes -------------------------------------------------------------------------------
    def create(self, name: str, owner: str | None) -> KnowledgeBaseInfo:
        return self.folders.create(check_kb_name(name), owner, self._clock())

    def delete(self, name: str, candidate_id: str | None) -> None:
        self.writable(name, candidate_id)
        index = self.index(name)
        self.folders.remove(name)
        index.store.drop()
        self._forget(name, index=True)

    def add_document(self, name: str, candidate_id: str | None, filename: str, data: bytes) -> DocumentInfo:
        self.writable(name, candidate_id)
        index = self.index(name)
        try:
            self.folders.add_document(name, index, filename, data, self.max_documents)
        finally:
            self._forget(name)
        return next(d for d in self.documents(name, candidate_id) if d.name == filename)

    def remove_document(self, name: str, candidate_id: str | None, filename: str) -> None:
        self.writable(name, candidate_id)
        try:
            self.folders.remove_document(name, self.index(name), filename)
        finally:
            self._forget(name)

    # -- reading -----------------------------------------------------------------------------------
    def documents(self, name: str, candidate_id: str | None) -> list[DocumentInfo]:
        self.readable(name, candidate_id)
        if name == DEFAULT_KB:
            raise Forbidden("the seed notes are not listed here: see GET /v1/questions")
        return self.folders.documents(name, self.index(name))

    def index(self, name: str) -> KnowledgeIndex:
        """The knowledge base's index, opened again when the name was deleted and made anew since (by this
        process or another: the old handle's Chroma collection is gone)."""
        made = self.info(name).created_at
        with self._lock:
            cached = self._indexes.get(name)
            if cached is None or cached[0] != made:
                self._indexes[name] = (made, self._open_index(name))
            return self._indexes[name][1]

    def served(self, name: str, candidate_id: str | None) -> ServedKB:
        """The knowledge base's index and interview, for a caller who may read it; 409 while it is empty.
        Rebuilt when another process (a worker, the CLI) has made a new generation live since."""
        self.readable(name, candidate_id)
        return self.served_unchecked(name)

    def served_unchecked(self, name: str) -> ServedKB:
        """As `served`, without the owner check: for a session already started on it (its token decides)."""
        if name == DEFAULT_KB:
            return self.default
        self.info(name)  # 404 once deleted, by this process or another
        with self._lock:
            index = self.index(name)
            pointer = _pointer(index)
            cached = self._served.get(name)
            if cached is not None and cached[0] == pointer:
                return cached[1]
            if not pointer:
                raise EmptyKnowledgeBase(f"knowledge base {name!r} has no documents yet: upload notes first "
                                         f"(POST /v1/knowledge-bases/{name}/documents)")
            live = index.generation()
            if live is None or live.id != pointer:  # pinned to an older generation than another process made
                index = self._open_index(name)
                self._indexes[name] = (self.info(name).created_at, index)
            index.load()
            served = ServedKB(name, index, self._interview_over(index))
            self._served[name] = (pointer, served)
            return served

    def _forget(self, name: str, index: bool = False) -> None:
        with self._lock:
            self._served.pop(name, None)
            if index:
                self._indexes.pop(name, None)


def _pointer(index: KnowledgeIndex) -> str:
    """The generation the index folder names live now ('' when none)."""
    try:
        return (index.index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
