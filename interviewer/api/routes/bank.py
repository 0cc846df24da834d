"""Browse the question bank and look up reference passages. Questions never carry their answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from interviewer.api.candidate_auth import optional_candidate
from interviewer.api.deps import Searcher, Services, get_services, live_generation
from interviewer.api.schemas import (
    IndexGeneration,
    QuestionOut,
    QuestionPage,
    SearchHit,
    SearchOut,
    TopicCount,
    Topics,
)
from knowledge.bases import DEFAULT_KB
from knowledge.errors import IndexNotReady
from knowledge.models import QAItem

router = APIRouter(prefix="/v1", tags=["bank"])
ServicesDep = Annotated[Services, Depends(get_services)]
bearer = HTTPBearer(auto_error=False, description="a candidate token: needed to search that candidate's own "
                    "knowledge base")
MAX_PAGE = 100
MAX_K = 20


@router.get("/topics", response_model=Topics, summary="Topic tags with their number of questions")
def topics(services: ServicesDep) -> Topics:
    return Topics(topics=[TopicCount(topic=t, count=n) for t, n in services.bank.topics().items()])


def _question(item: QAItem) -> QuestionOut:
    cite = item.citation
    return QuestionOut(id=item.id, question=item.question, topics=item.topics, source=cite.source,
                       section=cite.section)


@router.get("/questions", response_model=QuestionPage, summary="Questions of the bank (no reference answers)")
def questions(
    services: ServicesDep,
    topic: Annotated[list[str] | None, Query(description="repeat or comma-separate for several")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> QuestionPage:
    wanted = [t.strip() for value in topic or [] for t in value.split(",") if t.strip()]
    found = services.bank.summaries(wanted or None)
    page = [services.bank.get(s.id) for s in found[offset : offset + limit]]
    return QuestionPage(total=len(found), offset=offset, limit=limit, items=[_question(i) for i in page])


@router.get("/search", response_model=SearchOut, summary="Hybrid search over the reference passages")
def search(
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="the query")],
    k: Annotated[int, Query(ge=1, le=MAX_K)] = 5,
    topic: Annotated[list[str] | None, Query()] = None,
    knowledge_base: Annotated[str, Query(max_length=40, description="GET /v1/knowledge-bases")] = DEFAULT_KB,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
) -> SearchOut:
    index: Searcher | None = services.index
    if knowledge_base != DEFAULT_KB:  # 404 unknown, 403 another candidate's, 409 still empty
        candidate = optional_candidate(services, credentials)
        index = services.kbs().served(knowledge_base, candidate.id if candidate else None).index
    if index is None:
        raise IndexNotReady("search is not available: no index is loaded")
    wanted = [t.strip() for value in topic or [] for t in value.split(",") if t.strip()] or None
    hits = index.search(q, k=k, topics=wanted)
    generation = live_generation(index)
    return SearchOut(query=q, generation=IndexGeneration(**generation) if generation else None, hits=[
        SearchHit(item_id=h.item_id, question=h.question, source=h.source, section=h.section,
                  lines=[h.line_start, h.line_end], text=h.text, score=h.score, title=h.title)
        for h in hits
    ])
