"""The composition root: builds the real adapters from Settings. Nothing else reads Settings to build them."""

from __future__ import annotations

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

    item_ids, background = index.background_vectors()
    offline = IndexedGrader(index, OfflineGrader(
        index.embedder,
        background=background if background.size else None,
        background_items=item_ids if background.size else None,
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
