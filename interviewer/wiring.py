"""The composition root: builds the real adapters from Settings. Nothing else reads Settings to build them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from interviewer.settings import Settings
from knowledge.embedders import load_embedder
from knowledge.index import KnowledgeIndex
from knowledge.store import ChromaStore, collection_name

if TYPE_CHECKING:
    from interviewer.grading.base import Grader
    from interviewer.session.interview import Interview


def build_index(settings: Settings) -> KnowledgeIndex:
    embedder = load_embedder(settings.embedder)
    name = collection_name(settings.collection, embedder.name)
    if settings.chroma_url:
        store = ChromaStore(name, url=settings.chroma_url)
        # A shared server may hold several corpora: keep the local tables apart per server too.
        index_dir = settings.index_dir / f"remote-{name}"
    else:
        store = ChromaStore(name, path=settings.chroma_dir)
        index_dir = settings.index_dir / name
    return KnowledgeIndex(index_dir, embedder, store)


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
    """Load every lazy part a graded turn needs (jieba and its IDF table, the scorer file, the generic-talk
    and English key-point vectors, BM25) by grading one Chinese and one English answer offline and running
    one search; the seconds it took. Without it the first candidate's first answer paid ~0.9 s for them."""
    from interviewer.grading.service import IndexedGrader, request_for_item

    started = time.perf_counter()
    offline = grader if isinstance(grader, IndexedGrader) else getattr(grader, "fallback", None)
    items = index.bank.items
    if isinstance(offline, IndexedGrader) and items:
        item = items[0]
        points = [p.text for p in item.key_points[:2]]
        offline.grade(request_for_item(item, "；".join(points) or item.question, "zh"))
        english = item.en.key_points[:2] if item.en else ["It depends on the model."]
        offline.grade(request_for_item(item, " ".join(english), "en"))
    index.search("warm up", k=1)
    return time.perf_counter() - started


def build_interview(settings: Settings, index: KnowledgeIndex | None = None) -> Interview:
    """An Interview over the bank, with the configured grader and (in LLM mode) the LLM phraser."""
    from interviewer.session.interview import Interview

    index = index or build_index(settings)
    phraser = None
    if settings.llm_enabled:
        from interviewer.llm.openai_chat import OpenAIChatModel
        from interviewer.llm.phrasing import LLMPhraser

        phraser = LLMPhraser(OpenAIChatModel.from_settings(settings, purpose="phrase"), settings.prompts_dir)
    return Interview(
        index.bank,
        build_grader(settings, index),
        phraser=phraser,
        max_follow_ups=settings.max_follow_ups,
        max_answer_chars=settings.max_answer_chars,
    )
