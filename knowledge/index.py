"""The knowledge index: ingest the corpus (incrementally) and search it (dense + BM25, fused by RRF)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from knowledge.bank import QuestionBank
from knowledge.bm25 import BM25Index
from knowledge.chunk_table import ChunkTable
from knowledge.chunking import corpus_chunks
from knowledge.embedders import Embedder
from knowledge.errors import IndexNotReady, InvalidInput
from knowledge.locks import exclusive
from knowledge.models import Chunk, Citation, Hit, QAItem, SkippedFile
from knowledge.store import VectorStore

_CJK = re.compile(r"[\u4e00-\u9fff]")
RRF_K = 60  # the constant of Cormack et al. (2009); not tuned here
EMBED_BATCH = 16
STORE_BATCH = 512  # Chroma upserts are slow per call: at 100x scale, per-16 upserts were 89% of ingest
MAX_QUERY_CHARS = 2000
# An ingest that will embed this many passages says so first (the bundled embedder does ~10/s on 2 cores,
# bench/RESULTS.md), so a big notes file is a decision, not a surprise.
LARGE_INGEST = 2_000
PASSAGES_PER_SECOND = 10
log = logging.getLogger("knowledge.index")

ProgressFactory = Callable[[int, str], "Progress"]


class Progress:
    """Progress callback target; the CLI passes a tqdm bar, tests and the API pass nothing."""

    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


class IngestStats(BaseModel):
    documents: int
    items: int
    chunks: int
    embedded: int
    deleted: int = 0
    seconds: float
    skipped: list[SkippedFile] = Field(default_factory=list)
    per_file: dict[str, int] = Field(default_factory=dict)
    per_topic: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)  # errata not applied, stale or missing translations


class Generation(BaseModel):
    """One complete build of the index's files: what `/readyz` and search report as live."""

    id: str
    created_at: str  # ISO 8601, UTC
    items: int
    chunks: int
    documents: int | None = None
    embedder: str = ""


LEGACY_GENERATION = "legacy"  # files straight in the index dir, as written before generations existed
CURRENT = "current"  # the live generation's directory name, replaced atomically
GENERATIONS = "generations"
INDEX_FILES = ("bank.json", "chunks.json", "bm25.json")


def item_document(item: QAItem) -> str:
    """What BM25 sees of an item: the question twice (it is what queries paraphrase), then the points."""
    return "\n".join([item.question, item.question, *(p.text for p in item.key_points)])


class KnowledgeIndex:
    """Owns the bank, the chunk table, the BM25 index and the vector store under one data folder."""

    def __init__(self, index_dir: Path, embedder: Embedder, store: VectorStore) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.store = store
        self._bank: QuestionBank | None = None
        self._chunks: ChunkTable | None = None
        self._bm25: BM25Index | None = None
        self._live: Path | None = None
        self._generation: Generation | None = None

    # -- paths and generations -------------------------------------------------------
    # Each ingest writes bank.json, chunks.json, bm25.json and generation.json into a new directory
    # generations/<id>/ and then names it in `current` (tmp file + os.replace): readers see either the
    # previous complete generation or the new complete one, never a mix. An index dir from before
    # generations (the files directly in it, no `current`) is read as the "legacy" generation.
    @property
    def generations_dir(self) -> Path:
        return self.index_dir / GENERATIONS

    def _live_on_disk(self) -> Path | None:
        """The directory of the complete generation `current` names (or the legacy layout); None if none."""
        pointer = self.index_dir / CURRENT
        try:
            name = pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            name = ""
        if name and "/" not in name and name not in {".", ".."}:
            folder = self.generations_dir / name
            if _complete(folder):
                return folder
            log.warning("%s names %s, which is not a complete generation", pointer, folder)
        return self.index_dir if _complete(self.index_dir) else None

    @property
    def live_dir(self) -> Path:
        """The generation this index reads, pinned at first use so one process never mixes two."""
        if self._live is None:
            self._live = self._live_on_disk()
            if self._live is None:
                raise IndexNotReady("the index has not been built: run `interviewer ingest` first")
        return self._live

    @property
    def bank_path(self) -> Path:
        return self._path("bank.json")

    @property
    def chunks_path(self) -> Path:
        return self._path("chunks.json")

    @property
    def bm25_path(self) -> Path:
        return self._path("bm25.json")

    def _path(self, name: str) -> Path:
        live = self._live if self._live is not None else self._live_on_disk()
        return (live or self.index_dir) / name

    def is_ready(self) -> bool:
        return (self._live or self._live_on_disk()) is not None

    def generation(self) -> Generation | None:
        """The generation this index serves (None before the first complete ingest)."""
        if not self.is_ready():
            return None
        if self._generation is None:
            meta = self.live_dir / "generation.json"
            if self.live_dir != self.index_dir and meta.exists():
                self._generation = Generation.model_validate_json(meta.read_text(encoding="utf-8"))
            else:
                created = datetime.fromtimestamp(self.live_dir.joinpath("bank.json").stat().st_mtime, UTC)
                self._generation = Generation(id=LEGACY_GENERATION, created_at=_iso(created),
                                              items=len(self.bank), chunks=len(self.chunks),
                                              embedder=self.embedder.name)
        return self._generation

    # -- ingest ----------------------------------------------------------------
    def ingest(self, docs_dir: Path, rebuild: bool = False, progress: ProgressFactory | None = None) -> IngestStats:
        """Parse, embed what is new and switch to a new generation; one ingest per index at a time (a second
        one is refused at once rather than interleaving its vectors and its switch with the first's)."""
        with _ingest_lock(self.index_dir):
            return self._ingest(docs_dir, rebuild, progress)

    def _ingest(self, docs_dir: Path, rebuild: bool, progress: ProgressFactory | None) -> IngestStats:
        from knowledge.parsing import parse_corpus  # the parser is only needed here

        started = time.perf_counter()
        if not docs_dir.is_dir():
            raise InvalidInput(f"docs folder not found: {docs_dir}")
        parsed = parse_corpus(docs_dir)
        if not parsed.items:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in parsed.skipped[:5])
            more = f"; and {len(parsed.skipped) - 5} more" if len(parsed.skipped) > 5 else ""
            raise InvalidInput(f"no questions found under {docs_dir}"
                               + (f" (skipped {reasons}{more})" if reasons else ""))
        chunks = corpus_chunks(parsed.items)
        wanted = {c.id: c for c in chunks}

        # Vectors live in one collection keyed by content-hashed chunk id, shared by every generation:
        # new ones go in before the switch, stale ones come out only after it, so an interrupted or failed
        # ingest leaves the previous generation whole (stale vectors that linger are filtered by the live
        # chunk table and deleted by the next ingest). --rebuild re-embeds everything the same way.
        existing = self.store.ids()
        stale = sorted(existing - wanted.keys())
        fresh = list(chunks) if rebuild else [c for c in chunks if c.id not in existing]
        if len(fresh) >= LARGE_INGEST:
            log.warning("embedding %d new passages: roughly %d min at ~%d passages/s on 2 cores",
                        len(fresh), max(1, round(len(fresh) / PASSAGES_PER_SECOND / 60)), PASSAGES_PER_SECOND)
        self._embed_and_add(fresh, progress)

        bank = QuestionBank(parsed.items)
        previous = self._live_on_disk()
        generation = Generation(id=_generation_id(), created_at=_iso(datetime.now(UTC)), items=len(bank),
                                chunks=len(chunks), documents=len(parsed.files), embedder=self.embedder.name)
        folder = self.generations_dir / generation.id
        folder.mkdir(parents=True)
        BM25Index.build({item.id: item_document(item) for item in bank.items}).save(folder / "bm25.json")
        _write_json(folder / "chunks.json", [c.model_dump() for c in chunks])
        bank.save(folder / "bank.json")
        _write_json(folder / "generation.json", generation.model_dump())
        for name in (*INDEX_FILES, "generation.json"):
            _fsync(folder / name)
        self._switch_to(generation.id)
        self._bank, self._chunks, self._bm25, self._live, self._generation = None, None, None, None, None
        log.info("index generation %s is live (%d questions, %d chunks)", generation.id, len(bank), len(chunks))

        # Only now that the new generation is live: drop vectors it does not use, and old directories
        # (the previous generation stays one ingest longer for processes that still read it).
        self.store.delete(stale)
        self._prune(keep={folder} | ({previous} if previous is not None else set()))

        return IngestStats(
            documents=len(parsed.files),
            items=len(bank),
            chunks=len(chunks),
            embedded=len(fresh),
            deleted=len(stale),
            seconds=round(time.perf_counter() - started, 3),
            skipped=parsed.skipped,
            per_file=parsed.files,
            per_topic=bank.topics(),
            warnings=parsed.overlays.warnings() if parsed.overlays else [],
        )

    def clear(self) -> None:
        """Serve nothing: retire the live generation and delete every vector (a knowledge base whose last
        note was removed). The index is not ready afterwards, until the next ingest."""
        with _ingest_lock(self.index_dir):
            (self.index_dir / CURRENT).unlink(missing_ok=True)
            self._bank, self._chunks, self._bm25, self._live, self._generation = None, None, None, None, None
            self.store.delete(sorted(self.store.ids()))
            self._prune(keep=set())

    def _embed_and_add(self, chunks: list[Chunk], progress: ProgressFactory | None) -> None:
        # Similar lengths in one batch waste less padding in the embedder.
        ordered = sorted(chunks, key=lambda c: len(c.text))
        bar = progress(len(ordered), "embedding") if progress else None
        pending: list[Chunk] = []
        vectors: list[np.ndarray] = []
        for start in range(0, len(ordered), EMBED_BATCH):
            batch = ordered[start : start + EMBED_BATCH]
            pending += batch
            vectors.append(self.embedder.embed_passages([c.text for c in batch]))
            if len(pending) >= STORE_BATCH or start + EMBED_BATCH >= len(ordered):
                self.store.add(pending, np.vstack(vectors))
                pending, vectors = [], []
            if bar:
                bar.update(len(batch))
        if bar:
            bar.close()

    def _switch_to(self, generation_id: str) -> None:
        """Make a generation live with one atomic rename of the pointer file."""
        pointer = self.index_dir / CURRENT
        tmp = pointer.with_name(f".{CURRENT}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(generation_id + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, pointer)
        _fsync_dir(self.index_dir)

    def _prune(self, keep: set[Path]) -> None:
        """Remove generation directories (and legacy top-level files) that are neither live nor previous."""
        if self.generations_dir.is_dir():
            for folder in self.generations_dir.iterdir():
                if folder.is_dir() and folder not in keep:
                    shutil.rmtree(folder, ignore_errors=True)
        if self.index_dir not in keep:
            for name in INDEX_FILES:
                (self.index_dir / name).unlink(missing_ok=True)

    # -- loaded state ----------------------------------------------------------
    @property
    def bank(self) -> QuestionBank:
        if self._bank is None:
            self._bank = QuestionBank.load(self.live_dir / "bank.json")
        return self._bank

    @property
    def chunks(self) -> ChunkTable:
        if self._chunks is None:
            self._chunks = ChunkTable.load(self.live_dir / "chunks.json")
        return self._chunks

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            self._bm25 = BM25Index.load(self.live_dir / "bm25.json")
        return self._bm25

    def load(self) -> None:
        """Load everything now (the service calls this at start-up, so the first request is fast)."""
        _ = self.bank, self.chunks, self.bm25

    # -- search ----------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int = 5,
        topics: list[str] | None = None,
        source: str | None = None,
        mode: str = "hybrid",
    ) -> list[Hit]:
        query = query.strip()
        if not query:
            raise InvalidInput("empty query")
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidInput(f"query too long ({len(query)} characters, at most {MAX_QUERY_CHARS})")
        if k < 1:
            raise InvalidInput("k must be at least 1")
        if mode not in {"hybrid", "dense", "bm25"}:
            raise InvalidInput(f"unknown search mode {mode!r}")
        allowed = self._allowed_items(topics, source)
        depth = max(50, 4 * k)

        rankings: list[list[str]] = []
        best_chunk: dict[str, str] = {}
        if mode in {"hybrid", "dense"}:
            vector = self.embedder.embed_queries([query])[0]
            dense = self.store.query(vector, depth * 3, item_ids=sorted(allowed) if allowed is not None else None)
            ranking = []
            chunks = self.chunks
            for chunk_id, _sim in dense:
                item_id = chunks.item_id(chunk_id)
                if item_id is None or (source and chunks.source(chunk_id) != source):
                    continue
                if item_id not in best_chunk:
                    best_chunk[item_id] = chunk_id
                    ranking.append(item_id)
            rankings.append(ranking[:depth])
        # BM25 runs over jieba tokens of a Chinese corpus: for a query with no Chinese at all it only
        # matches stray English words ("model", "llm") and drags dense's good ranks down in the fusion.
        if mode == "bm25" or (mode == "hybrid" and _CJK.search(query)):
            rankings.append([doc for doc, _ in self.bm25.search(query, depth, allowed)])

        fused = reciprocal_rank_fusion(rankings)
        return [self._hit(item_id, score, best_chunk.get(item_id), source) for item_id, score in fused[:k]]

    def _allowed_items(self, topics: list[str] | None, source: str | None) -> set[str] | None:
        if not topics and not source:
            return None
        items = self.bank.summaries(topics)
        if source:
            items = [i for i in items if source in i.sources]
        return {i.id for i in items}

    def _hit(self, item_id: str, score: float, chunk_id: str | None, source: str | None) -> Hit:
        item = self.bank.get(item_id)
        chunk = self.chunks.get(chunk_id) if chunk_id else None
        ref = next((r for r in item.references if not source or r.source == source), None)
        cite: Citation
        if chunk is not None and chunk.kind == "point":
            cite, text = chunk, chunk.text
        else:
            cite = ref or item.citation
            text = (ref.text if ref else item.answer) or item.question
        return Hit(
            item_id=item.id,
            question=item.question,
            source=cite.source,
            section=cite.section,
            line_start=cite.line_start,
            line_end=cite.line_end,
            text=_clip(text, 400),
            score=round(score, 6),
            title=cite.title,
        )

    # -- vectors for the grader --------------------------------------------------
    def point_vectors(self, item_id: str) -> tuple[list[str], np.ndarray]:
        ids, _meta, matrix = self.store.vectors({"$and": [{"item_id": item_id}, {"kind": "point"}]})
        ids, _meta, matrix = self._live_vectors(ids, _meta, matrix)
        return ids, matrix

    def background_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every key point's vector with its item id: the contrast set for relative grading.

        In chunk-id order: the grader's float32 means and maxima over these rows depend on their order, and a
        collection returns them in its storage order, which depends on its ingest history (a fresh index and
        a long-lived one with the same vectors graded 7 of 577 dev answers 0.1-0.3 apart)."""
        ids, meta, matrix = self.store.vectors({"kind": "point"})
        ids, meta, matrix = self._live_vectors(ids, meta, matrix)
        order = sorted(range(len(ids)), key=ids.__getitem__)
        return [meta[i].get("item_id", "") for i in order], matrix[order] if order else matrix

    def _live_vectors(self, ids: list[str], meta: list[dict[str, Any]], matrix: np.ndarray
                      ) -> tuple[list[str], list[dict[str, Any]], np.ndarray]:
        """Only the vectors of the live generation's chunks (an interrupted ingest may leave others)."""
        if not self.is_ready() or not ids:
            return ids, meta, matrix
        live = self.chunks
        keep = [i for i, chunk_id in enumerate(ids) if chunk_id in live]
        if len(keep) == len(ids):
            return ids, meta, matrix
        return [ids[i] for i in keep], [meta[i] for i in keep], matrix[keep] if keep else matrix[:0]


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in INDEX_FILES)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


@contextlib.contextmanager
def _ingest_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive advisory lock on `index_dir/ingest.lock` (released by the OS if the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with exclusive(index_dir / "ingest.lock", f"another ingest of {index_dir} is running; wait for it to finish"):
        yield


def _generation_id() -> str:
    """Sortable by time, unique within a second: 20250101T120000Z-3f9a1c."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _write_json(path: Path, payload: object) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform or file system syncs a directory
        _fsync(path)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
