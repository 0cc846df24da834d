"""Request and response bodies of the HTTP API (the OpenAPI schema at /docs is generated from these)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.grading.models import Grade
from interviewer.session.models import Difficulty, Report, SessionPlan, SessionSummary, Turn

# -- sessions ---------------------------------------------------------------------------------


class StartSession(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"topics": ["微调"], "num_questions": 3, "language": "zh", "mode": "practice"}]},
    )

    topics: list[str] | None = Field(default=None, max_length=20, description="topic tags (GET /v1/topics); none: all")
    num_questions: int = Field(default=5, ge=1, le=20)
    language: Literal["zh", "en"] = "zh"
    mode: Literal["practice", "exam", "review"] = Field(
        default="practice", description="practice: a grade after every answer; exam: grades only in the report; "
        "review (needs a candidate token): practice on the candidate's due review items, then weak topics")
    difficulty: Difficulty | None = None
    knowledge_base: str = Field(default="default", max_length=40, description="the knowledge base the questions "
                                "come from (GET /v1/knowledge-bases): `default` (the seed notes) or one of yours")


class SessionStarted(BaseModel):
    id: str
    token: str = Field(description="send as `Authorization: Bearer <token>`; shown only once")
    message: str
    state: SessionSummary
    action: str = "next"


class PostMessage(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"content": "LoRA 冻结预训练权重，只训练旁路的低秩矩阵 A 和 B，显存占用小。"}]},
    )

    content: str = Field(description="the answer, or a request: 提示 / hint, 重复 / repeat, 跳过 / skip, 结束 / end")


class MessageReply(BaseModel):
    message: str
    evaluation: Grade | None = Field(default=None, description="the grade of this answer (practice mode only)")
    state: SessionSummary
    done: bool
    action: str = Field(description="follow_up | next | end | repeat | hint | clarify")
    report: Report | None = Field(default=None, description="the final report, when done")
    sources: dict[str, str] = Field(default_factory=dict, description="file -> title of the notes cited so far")


class Transcript(BaseModel):
    id: str
    plan: SessionPlan
    state: SessionSummary
    turns: list[Turn]
    created_at: float = Field(description="epoch seconds")
    updated_at: float = Field(description="epoch seconds of the last committed turn")
    expires_at: float | None = Field(description="when an active session can no longer be continued")
    expired: bool


# -- grading ----------------------------------------------------------------------------------


class GradeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [
            {"question": "什么是 LoRA？", "answer": "LoRA 冻结原模型权重，只训练低秩矩阵。"},
            {"question": "What is RAG?", "answer": "Retrieve documents, then generate with them as context.",
             "reference": "RAG retrieves relevant documents and passes them to the model as context.",
             "language": "en"},
        ]},
    )

    question: str
    answer: str
    reference: str | None = Field(default=None, description="grade against this text instead of the knowledge base")
    language: Literal["zh", "en"] | None = Field(default=None, description="of the feedback; default: the answer's")


class GradeBatchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"items": [
            {"id": "a1", "question": "什么是 LoRA？", "answer": "低秩适配，只训练旁路矩阵。"},
            {"id": "a2", "question": "什么是 KV Cache？", "answer": "缓存历史 token 的 K 和 V。"},
        ]}]},
    )

    # Items are checked one by one, so a malformed item fails alone: `{id, error}` in its slot.
    items: list[Any] = Field(description="objects {id?, question, answer, reference?, language?}")


class ItemError(BaseModel):
    code: str
    message: str


class BatchItemResult(BaseModel):
    id: Any
    grade: Grade | None = None
    error: ItemError | None = None


class GradeBatchOut(BaseModel):
    results: list[BatchItemResult]


# -- bank -------------------------------------------------------------------------------------


class TopicCount(BaseModel):
    topic: str
    count: int


class Topics(BaseModel):
    topics: list[TopicCount]


class QuestionOut(BaseModel):
    """A bank question without its reference answer, key points or follow-ups."""

    id: str
    question: str
    topics: list[str]
    source: str
    section: str = ""


class QuestionPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[QuestionOut]


class SearchHit(BaseModel):
    item_id: str
    question: str
    source: str
    section: str
    lines: list[int]
    text: str
    score: float
    title: str = Field(default="", description="the note's title (source is its file)")


class IndexGeneration(BaseModel):
    """The knowledge index generation being served: each completed ingest makes a new one live."""

    id: str = Field(description='"legacy" for an index written before generations existed')
    created_at: str
    items: int
    chunks: int


class SearchOut(BaseModel):
    query: str
    hits: list[SearchHit]
    generation: IndexGeneration | None = Field(default=None, description="the index generation searched")


class Health(BaseModel):
    status: str
    detail: str = ""
    generation: IndexGeneration | None = Field(default=None, description="the index generation served, once ready")
