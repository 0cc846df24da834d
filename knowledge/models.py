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


class ItemTranslation(BaseModel):
    """A reviewed translation of what an item asks and grades by.

    `key_points[i]` translates the item's `key_points[i]` (same order, same length), `follow_ups[i]`
    its `follow_ups[i]`; the reference answer itself stays Chinese (its key points carry its claims).
    """

    question: str
    key_points: list[str] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)


class Correction(BaseModel):
    """One reviewed erratum applied to an item: the text `wrong` was replaced by `correction`."""

    wrong: str
    correction: str
    reason: str  # one line, citing a public source
    source: str = ""  # where the reason can be checked (URL or paper)


class QAItem(BaseModel):
    """A question of the bank with everything needed to ask it and grade answers to it."""

    id: str
    question: str
    answer: str = ""
    key_points: list[KeyPoint] = Field(default_factory=list)
    follow_ups: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    # e.g. "encoding_loss" (characters replaced by '?'), "no_answer", "generated_question",
    # "corrected" (an erratum was applied: see `corrections`)
    flags: list[str] = Field(default_factory=list)
    # sha1 of the source lines as written (before cleaning and errata): a translation or erratum made
    # for one version of the notes is noticed as stale when the notes change
    source_hash: str = ""
    corrections: list[Correction] = Field(default_factory=list)
    en: ItemTranslation | None = None  # the reviewed English version, None when missing or stale

    def question_in(self, language: str) -> str:
        """The question in `language` ("zh" | "en"); the Chinese one when there is no translation."""
        return self.en.question if language == "en" and self.en else self.question

    def key_point_texts(self, language: str = "zh") -> list[str]:
        """The key points' texts in `language`, aligned with `key_points`."""
        if language == "en" and self.en:
            return list(self.en.key_points)
        return [p.text for p in self.key_points]

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


class OverlayReport(BaseModel):
    """What the reviewed errata and translations did to a parsed corpus (see knowledge.overlays)."""

    corrected: list[str] = Field(default_factory=list)  # item ids with errata applied
    unapplied: list[str] = Field(default_factory=list)  # "id: why" for errata that matched nothing
    translated: int = 0
    stale: list[str] = Field(default_factory=list)  # "id: why" for translations not used
    missing: list[str] = Field(default_factory=list)  # item ids with no translation at all

    def warnings(self) -> list[str]:
        lines = [f"erratum not applied: {u}" for u in self.unapplied]
        lines += [f"stale translation: {s}" for s in self.stale]
        if self.missing:
            lines.append(f"{len(self.missing)} question(s) have no English translation")
        return lines


class ParseResult(BaseModel):
    items: list[QAItem]
    skipped: list[SkippedFile] = Field(default_factory=list)
    files: dict[str, int] = Field(default_factory=dict)  # source -> items found in it
    overlays: OverlayReport | None = None  # what the errata and translations did (knowledge.overlays)
