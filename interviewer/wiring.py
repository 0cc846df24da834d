"""The composition root: builds the real adapters from Settings. Nothing else reads Settings to build them.

`build_app` is the one place that turns Settings into a ready index, grader, interview and grading service;
the service (`api/deps.py`), `interviewer serve`, the CLI and the evals call it (or `ready_index` /
`build_index` when they need only the index, `ingest_index` to build or refresh it). The session store is not
part of `App`: open it with `interviewer.store.open_store(settings)` where a caller records sessions (the
service, `chat`, `progress`), because its lifetime (close) belongs to that caller and opening it creates files
or a database connection that grading, search and the evals must not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.settings import Settings
from knowledge.embedders import Embedder, load_embedder
from knowledge.index import IngestStats, KnowledgeIndex, ProgressFactory
from knowledge.store import ChromaStore, collection_name

if TYPE_CHECKING:
    from interviewer.grading.base import Grader
    from interviewer.grading.service import GradingService
    from interviewer.knowledge_bases import KnowledgeBases, Searchable
    from interviewer.session.interview import Interview
    from interviewer.session.phrasing import Phraser
    from knowledge.bank import QuestionBank

# The service's start-up lines keep the logger name they have always been printed under.
log = logging.getLogger("interviewer.api")
NOT_BUILT = "the index has not been built: run `interviewer ingest` first"


def build_index(settings: Settings, embedder: Embedder | None = None) -> KnowledgeIndex:
    embedder = embedder or load_embedder(settings.embedder)
    return _open_index(settings, embedder, collection_name(settings.collection, embedder.name), settings.index_dir)


def build_kb_index(settings: Settings, name: str, embedder: Embedder | None = None) -> KnowledgeIndex:
    """A named knowledge base's index: its own collection, index generations under `kbs/<name>/index`."""
    from knowledge.bases import DEFAULT_KB, KnowledgeBaseFolders, collection_for

    if name == DEFAULT_KB:
        return build_index(settings, embedder)
    embedder = embedder or load_embedder(settings.embedder)
    return _open_index(settings, embedder, collection_for(name, embedder.name),
                       KnowledgeBaseFolders(settings.kbs_dir).index_root(name))


def _open_index(settings: Settings, embedder: Embedder, name: str, index_root: Path) -> KnowledgeIndex:
    if settings.chroma_url:
        store = ChromaStore(name, url=settings.chroma_url)
        # A shared server may hold several corpora: keep the local tables apart per server too.
        index_dir = index_root / f"remote-{name}"
    else:
        store = ChromaStore(name, path=settings.chroma_dir)
        index_dir = index_root / name
    return KnowledgeIndex(index_dir, embedder, store)


def ingest_index(settings: Settings, *, kb: str | None = None, docs: Path | None = None, rebuild: bool = False,
                 progress: ProgressFactory | None = None) -> IngestStats:
    """`interviewer ingest`: the default index from `docs` (default: the configured notes), or the named knowledge
    base `kb`, whose notes become `docs`'s files (made if new; `KnowledgeBaseFolders.ingest_folder`)."""
    from knowledge.bases import DEFAULT_KB, KnowledgeBaseFolders

    if kb and kb != DEFAULT_KB:
        return KnowledgeBaseFolders(settings.kbs_dir).ingest_folder(
            kb, build_kb_index(settings, kb), docs, settings.kb_max_documents, time.time(),
            rebuild=rebuild, progress=progress)
    return build_index(settings).ingest(docs or settings.docs_dir, rebuild=rebuild, progress=progress)


def build_knowledge_bases(settings: Settings, default_index: Searchable, default_interview: Interview,
                          phraser: Phraser | None, embedder: Embedder) -> KnowledgeBases:
    """The named knowledge bases beside `default` (the given index and interview): each opened on first use
    with the same embedder, graded by the configured grader built over its own index."""
    from interviewer.knowledge_bases import KnowledgeBases, ServedKB
    from interviewer.session.interview import Interview
    from knowledge.bases import DEFAULT_KB, KnowledgeBaseFolders

    def interview_over(index: KnowledgeIndex) -> Interview:
        return Interview(index.bank, build_grader(settings, index), phraser=phraser,
                         max_follow_ups=settings.max_follow_ups, max_answer_chars=settings.max_answer_chars)

    return KnowledgeBases(KnowledgeBaseFolders(settings.kbs_dir), ServedKB(DEFAULT_KB, default_index, default_interview),
                          lambda name: build_kb_index(settings, name, embedder), interview_over,
                          max_documents=settings.kb_max_documents)


def build_grader(settings: Settings, index: KnowledgeIndex) -> Grader:
    """The grader for this configuration: offline by default; LLM (falling back to offline) with a key."""
    from interviewer.grading.offline import OfflineGrader
    from interviewer.grading.service import IndexedGrader
    from knowledge.vector_cache import CachedEmbedder

    item_ids, background = index.background_vectors()
    offline = IndexedGrader(index, OfflineGrader(
        index.embedder,
        background=background if background.size else None,
        background_items=item_ids if background.size else None,
        english_embedder=CachedEmbedder(index.embedder, settings.data_dir / "cache" / "english-points.sqlite"),
    ))
    if not settings.llm_enabled:
        return offline
    from interviewer.llm.grader import LLMGrader
    from interviewer.llm.openai_chat import OpenAIChatModel

    return LLMGrader(
        OpenAIChatModel.from_settings(settings),
        fallback=offline,
        prompts_dir=settings.prompts_dir,
        prompt=settings.llm_grade_prompt,
        timeout=settings.llm_timeout,
        disagreement=settings.llm_disagreement,
    )


def warm_up(index: KnowledgeIndex, grader: Grader) -> float:
    """Load every lazy part a graded turn needs (jieba and its IDF table, the scorer and point model files, the generic-talk
    and English key-point vectors, BM25) by grading one Chinese and one English answer offline and running
    one search; the seconds it took. Without it the first candidate's first answer paid ~0.9 s for them."""
    from interviewer.grading.models import request_for_item
    from interviewer.grading.service import IndexedGrader

    started = time.perf_counter()
    offline = grader if isinstance(grader, IndexedGrader) else getattr(grader, "fallback", None)
    ids = index.bank.ids[:1]
    if isinstance(offline, IndexedGrader) and ids:
        item = index.bank.get(ids[0])
        points = [p.text for p in item.key_points[:2]]
        offline.grade(request_for_item(item, "；".join(points) or item.question, "zh"))
        english = item.en.key_points[:2] if item.en else ["It depends on the model."]
        offline.grade(request_for_item(item, " ".join(english), "en"))
    index.search("warm up", k=1)
    return time.perf_counter() - started


def ready_index(settings: Settings, *, ingest_if_missing: bool, load: bool = True,
                on_ingest: Callable[[Path], None] | None = None) -> KnowledgeIndex:
    """The index, ingested first when it has not been built and that is allowed (else `IndexNotReady`), then
    loaded (`load=False`: only made sure it exists on disk, as `serve --workers N` does before the workers).
    `on_ingest(docs_dir)` announces the ingest instead of the log line (the retrieval eval prints it)."""
    from knowledge.errors import IndexNotReady

    index = build_index(settings)
    if not index.is_ready():
        if not ingest_if_missing:
            raise IndexNotReady(NOT_BUILT)
        if on_ingest is None:
            log.info("no index yet: ingesting %s", settings.docs_dir)
        else:
            on_ingest(settings.docs_dir)
        index.ingest(settings.docs_dir)
    if load:
        index.load()
    return index


def build_phraser(settings: Settings) -> Phraser | None:
    """The LLM phraser in LLM mode; None: the interview words things with its templates."""
    if not settings.llm_enabled:
        return None
    from interviewer.llm.openai_chat import OpenAIChatModel
    from interviewer.llm.phrasing import LLMPhraser

    return LLMPhraser(OpenAIChatModel.from_settings(settings, purpose="phrase"), settings.prompts_dir)


@dataclass(frozen=True)
class App:
    """Everything built from Settings, once: the index, the one grader (its background vectors are computed
    once) shared by the interview and the grading service, and (LLM mode) the phraser."""

    settings: Settings
    index: KnowledgeIndex
    grader: Grader
    grading: GradingService
    phraser: Phraser | None  # None: the interview's templates

    @property
    def bank(self) -> QuestionBank:
        return self.index.bank

    @cached_property
    def interview(self) -> Interview:
        """An Interview over the bank with this grader and phraser: built by `build_app` unless the index is
        lazy (the CLI builds it on first use, so `grade --reference` needs no ingested bank)."""
        from interviewer.session.interview import Interview

        return Interview(
            self.index.bank,
            self.grader,
            phraser=self.phraser,
            max_follow_ups=self.settings.max_follow_ups,
            max_answer_chars=self.settings.max_answer_chars,
        )

    @cached_property
    def knowledge_bases(self) -> KnowledgeBases:
        """`default` (this index and interview) and the named knowledge bases under the data dir."""
        return build_knowledge_bases(self.settings, self.index, self.interview, self.phraser, self.index.embedder)


def build_app(settings: Settings, *, ingest_if_missing: bool, warm: bool, lazy: bool = False) -> App:
    """The index (ready and loaded: ingested first when missing and `ingest_if_missing`, else
    `IndexNotReady`), the configured grader, the interview, the grading service and, when `warm`, every lazy
    part of a graded turn loaded before the first one. `lazy`: the index as found, its files read on first
    use and no readiness check (the CLI: grading against a given reference works before any ingest, and each
    command reports a missing index the way it always has)."""
    from interviewer.grading.service import GradingService

    if lazy and ingest_if_missing:
        raise ValueError("a lazy index is never ingested: ingest_if_missing needs lazy=False")
    index = build_index(settings) if lazy else ready_index(settings, ingest_if_missing=ingest_if_missing)
    grader = build_grader(settings, index)
    log.info("grader: %s", "LLM (offline fallback)" if settings.llm_enabled else "offline (no OPENAI_API_KEY)")
    app = App(settings, index, grader, GradingService(index, grader, max_answer_chars=settings.max_answer_chars),
              build_phraser(settings))
    if not lazy:
        _ = app.interview  # built now, before anything is served
    if warm:
        log.info("warmed the grader and search in %.2f s", warm_up(index, grader))
    return app
