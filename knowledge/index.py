"""The knowledge index: ingest the corpus (incrementally) and search it (dense + BM25, fused by RRF)."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from knowledge.bank import QuestionBank
from knowledge.bm25 import BM25Index
from knowledge.chunking import corpus_chunks
from knowledge.embedders import Embedder
from knowledge.errors import IndexNotReady, InvalidInput
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
        self._chunks: dict[str, Chunk] | None = None
        self._bm25: BM25Index | None = None

    # -- paths -----------------------------------------------------------------
    @property
    def bank_path(self) -> Path:
        return self.index_dir / "bank.json"

    @property
    def chunks_path(self) -> Path:
        return self.index_dir / "chunks.json"

    @property
    def bm25_path(self) -> Path:
        return self.index_dir / "bm25.json"

    def is_ready(self) -> bool:
        return self.bank_path.exists() and self.bm25_path.exists() and self.chunks_path.exists()

    # -- ingest ----------------------------------------------------------------
    def ingest(self, docs_dir: Path, rebuild: bool = False, progress: ProgressFactory | None = None) -> IngestStats:
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

        existing = set() if rebuild else self.store.ids()
        if rebuild and self.store.count():
            self.store.delete(sorted(self.store.ids()))
        stale = sorted(existing - wanted.keys())
        fresh = [c for c in chunks if c.id not in existing]
        if len(fresh) >= LARGE_INGEST:
            log.warning("embedding %d new passages: roughly %d min at ~%d passages/s on 2 cores",
                        len(fresh), max(1, round(len(fresh) / PASSAGES_PER_SECOND / 60)), PASSAGES_PER_SECOND)
        self._embed_and_add(fresh, progress)
        # Delete only after the new vectors are in: an interrupted ingest never leaves a hole.
        self.store.delete(stale)

        bank = QuestionBank(parsed.items)
        BM25Index.build({item.id: item_document(item) for item in bank.items}).save(self.bm25_path)
        self._save_chunks(chunks)
        bank.save(self.bank_path)  # written last: its presence means the index is complete
        self._bank, self._chunks, self._bm25 = None, None, None

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

    def _save_chunks(self, chunks: list[Chunk]) -> None:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.chunks_path.with_suffix(".tmp")
        tmp.write_text(json.dumps([c.model_dump() for c in chunks], ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.chunks_path)

    # -- loaded state ----------------------------------------------------------
    @property
    def bank(self) -> QuestionBank:
        if self._bank is None:
            self._bank = QuestionBank.load(self.bank_path)
        return self._bank

    @property
    def chunks(self) -> dict[str, Chunk]:
        if self._chunks is None:
            if not self.chunks_path.exists():
                raise IndexNotReady("the index has not been built: run `interviewer ingest` first")
            raw = json.loads(self.chunks_path.read_text(encoding="utf-8"))
            self._chunks = {c["id"]: Chunk.model_validate(c) for c in raw}
        return self._chunks

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            if not self.bm25_path.exists():
                raise IndexNotReady("the index has not been built: run `interviewer ingest` first")
            self._bm25 = BM25Index.load(self.bm25_path)
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
            for chunk_id, _sim in dense:
                chunk = self.chunks.get(chunk_id)
                if chunk is None or (source and chunk.source != source):
                    continue
                if chunk.item_id not in best_chunk:
                    best_chunk[chunk.item_id] = chunk_id
                    ranking.append(chunk.item_id)
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
        items = self.bank.by_topics(topics)
        if source:
            items = [i for i in items if any(r.source == source for r in i.references)]
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
        return ids, matrix

    def background_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every key point's vector with its item id: the contrast set for relative grading."""
        _ids, meta, matrix = self.store.vectors({"kind": "point"})
        return [m.get("item_id", "") for m in meta], matrix


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking, start=1):
            scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
