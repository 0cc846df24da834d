"""Plain data objects of the knowledge layer (pydantic, no I/O)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Citation(BaseModel):
    """Where a piece of text came from: file (relative to the docs dir), heading path, 1-based lines."""

    source: str
    section: str = ""
    line_start: int = 0
    line_end: int = 0
    title: str = ""  # the note's human title (knowledge/titles.py); "" when it has none: show the file name


class Reference(Citation):
    """One source's reference answer for an item."""

    text: str


class KeyPoint(Citation):
    """One gradeable claim of a reference answer."""

    text: str


class QAItem(BaseModel):
    """A question of the bank with everything needed to ask it and grade answers to it."""

    id: str
    question: str
    answer: str = ""
    key_points: list[KeyPoint] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    # e.g. "encoding_loss" (characters replaced by '?'), "no_answer", "generated_question"
    flags: list[str] = Field(default_factory=list)

    @property
    def citation(self) -> Citation:
        ref = self.references[0] if self.references else None
        return Citation(
            source=ref.source if ref else "",
            section=ref.section if ref else "",
            line_start=ref.line_start if ref else 0,
            line_end=ref.line_end if ref else 0,
            title=ref.title if ref else "",
        )


class Chunk(Citation):
    """A unit of retrieval: an item's question or one of its key points, from one source file."""

    id: str
    item_id: str
    kind: str  # "question" | "point"
    text: str
    topics: list[str] = Field(default_factory=list)


class Hit(BaseModel):
    """A search result: an item, the passage that matched it, and the fused score."""

    item_id: str
    question: str
    source: str
    section: str
    line_start: int
    line_end: int
    text: str
    score: float
    title: str = ""


class SkippedFile(BaseModel):
    path: str
    reason: str


class ParseResult(BaseModel):
    items: list[QAItem]
    skipped: list[SkippedFile] = Field(default_factory=list)
    files: dict[str, int] = Field(default_factory=dict)  # source -> items found in it
